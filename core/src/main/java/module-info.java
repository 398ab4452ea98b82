/** The tunnel engine: hub and client nodes, sessions, keepalive and counters. Depends on the api only. */
module io.lwt.core {
    requires transitive io.lwt.api;

    exports io.lwt.core;
}
