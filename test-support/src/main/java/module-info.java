/**
 * Test kit shared by every module's tests: an in-memory TUN driver and connection, the codec test kit, a fuzz kit,
 * and network-namespace helpers.
 */
module io.lwt.testsupport {
    requires transitive io.lwt.api;
    requires static org.junit.jupiter.api;
    requires java.logging;
    requires jdk.management; // per-thread allocation, for the codec and fuzz kits' bounds

    exports io.lwt.testsupport;
}
