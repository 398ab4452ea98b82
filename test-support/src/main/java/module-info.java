/** Test kit shared by every module's tests: an in-memory TUN driver and network-namespace helpers. */
module io.lwt.testsupport {
    requires transitive io.lwt.api;
    requires static org.junit.jupiter.api;

    exports io.lwt.testsupport;
}
