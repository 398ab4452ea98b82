/**
 * Test kit shared by every module's tests: an in-memory TUN driver and connection, the codec test kit, and
 * network-namespace helpers.
 */
module io.lwt.testsupport {
    requires transitive io.lwt.api;
    requires static org.junit.jupiter.api;
    requires jdk.management; // per-thread allocation, for the codec kit's bound

    exports io.lwt.testsupport;
}
