/** Test kit shared by every module's tests: an in-memory TUN driver, network-namespace helpers and a fuzz kit. */
module io.lwt.testsupport {
    requires transitive io.lwt.api;
    requires static org.junit.jupiter.api;
    requires java.logging;
    requires jdk.management;

    exports io.lwt.testsupport;
}
