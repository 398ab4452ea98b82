/**
 * JMH microbenchmarks of the hot path: codecs, routing policies, buffer pools, IP header parsing. Built by the normal
 * build, run only by {@code bench/jmh.sh}; never part of the runtime image.
 */
module io.lwt.benchmarks {
    requires io.lwt.api;
    requires io.lwt.core;
    requires io.lwt.testsupport;
    requires jmh.core;
    // jmh.core is an automatic module with no requires of its own: it reads what is resolved, and it needs these
    requires jdk.unsupported;
    requires java.management;

    // JMH's runner loads and calls the classes its annotation processor generated
    exports io.lwt.benchmarks.jmh_generated to jmh.core;

    uses io.lwt.api.codec.CodecProvider;
    uses io.lwt.api.routing.RoutingProvider;
}
