/** The tunnel engine: hub and client nodes, sessions, keepalive and counters. Depends on the api only. */
module io.lwt.core {
    requires transitive io.lwt.api;

    exports io.lwt.core;
    // the JMH microbenchmarks measure sealing and handshakes as sessions do them; nothing else sees these classes
    exports io.lwt.core.noise to io.lwt.benchmarks;
    exports io.lwt.core.handshake to io.lwt.benchmarks;
}
