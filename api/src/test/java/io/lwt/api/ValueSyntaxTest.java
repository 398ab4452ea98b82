package io.lwt.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.transport.SocketBuffers;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shared value syntax, alone and through {@link Config}, whose errors name the key, the cause and the place. */
class ValueSyntaxTest {

    private static final Config.Location AT = new Config.Location("lwt.yaml", 4, 7);

    private static Config section(String key, String text) {
        return Config.builder("nodes.hub", Config.Location.of("lwt.yaml")).put(key, new ConfigValue.Scalar(text, AT)).build();
    }

    private static String cause(Runnable parse) {
        return assertThrows(IllegalArgumentException.class, parse::run).getMessage();
    }

    private static String error(Runnable read) {
        return assertThrows(ConfigException.class, read::run).getMessage();
    }

    @Test
    void sizesAreBytes() {
        assertEquals(4194304, ValueSyntax.size("4194304"));
        assertEquals(65536, ValueSyntax.size(" 65536 "));
        assertEquals("expected a size in bytes, got '4m'", cause(() -> ValueSyntax.size("4m")));
        assertEquals(65536, section("send-queue-bytes", "65536").size("send-queue-bytes", 7, 4096, 1 << 30));
        assertEquals(7, Config.empty("x", AT).size("send-queue-bytes", 7, 4096, 1 << 30), "default when absent");
        assertEquals("lwt.yaml:4:7: nodes.hub.send-queue-bytes: expected a size in bytes, got 'lots'",
                error(() -> section("send-queue-bytes", "lots").size("send-queue-bytes", 0, 4096, 1 << 30)));
        assertEquals("lwt.yaml:4:7: nodes.hub.send-buffer: 99999999999 is out of range 4096..67108864",
                error(() -> section("send-buffer", "99999999999").size("send-buffer", 0, 4096, 64 << 20)));
    }

    @Test
    void durationsTakeUnitsAndBareSeconds() {
        assertEquals(Duration.ofMillis(500), ValueSyntax.duration("500ms"));
        assertEquals(Duration.ofSeconds(30), ValueSyntax.duration("30s"));
        assertEquals(Duration.ofMinutes(2), ValueSyntax.duration("2m"));
        assertEquals(Duration.ofHours(1), ValueSyntax.duration("1 h"));
        assertEquals(Duration.ofSeconds(3), ValueSyntax.duration("3"));
        assertEquals("lwt.yaml:4:7: nodes.hub.keepalive: expected a duration such as 500ms, 10s or 2m, got '-1s'",
                error(() -> section("keepalive", "-1s").duration("keepalive", null)));
        assertEquals("'99999999999999999999h' is longer than any duration this takes",
                cause(() -> ValueSyntax.duration("99999999999999999999h")));
        assertEquals("'999999999999999999h' is longer than any duration this takes",
                cause(() -> ValueSyntax.duration("999999999999999999h")));
    }

    @Test
    void durationsAreShownAsWrittenAndReadBack() {
        assertEquals("10s", ValueSyntax.text(Duration.ofSeconds(10)));
        assertEquals("2m", ValueSyntax.text(Duration.ofMinutes(2)));
        assertEquals("1h", ValueSyntax.text(Duration.ofHours(1)));
        assertEquals("1500ms", ValueSyntax.text(Duration.ofMillis(1500)));
        for (Duration d : java.util.List.of(Duration.ofMillis(1), Duration.ofSeconds(59), Duration.ofMinutes(90))) {
            assertEquals(d, ValueSyntax.duration(ValueSyntax.text(d)));
        }
    }

    @Test
    void socketAddresses() {
        assertEquals(new InetSocketAddress(9000), ValueSyntax.socketAddress(":9000", false));
        assertEquals(new InetSocketAddress(9000), ValueSyntax.socketAddress("*:9000", false));
        assertEquals(new InetSocketAddress(IpPrefix.literal("::"), 9000), ValueSyntax.socketAddress("[::]:9000", false));
        InetSocketAddress named = ValueSyntax.socketAddress("hub.example:9000", true);
        assertTrue(named.isUnresolved() && named.getHostString().equals("hub.example"), "looked up when dialed");
        assertEquals("'hub.example' is not an IP address", cause(() -> ValueSyntax.socketAddress("hub.example:9000", false)));
        assertEquals("expected host:port, got '10.0.0.1'", cause(() -> ValueSyntax.socketAddress("10.0.0.1", false)));
        assertEquals("invalid port in 'h:x'", cause(() -> ValueSyntax.socketAddress("h:x", true)));
        assertEquals("port 0 is out of range", cause(() -> ValueSyntax.socketAddress("h:0", true)));
        assertEquals("lwt.yaml:4:7: nodes.hub.listen: port 70000 is out of range",
                error(() -> section("listen", ":70000").socketAddress("listen", false)));
        assertTrue(Config.empty("x", AT).socketAddress("listen", false).isEmpty());
    }

    @Test
    void socketBuffersAreZeroOrInRange() {
        assertEquals(new SocketBuffers(0, 65536), SocketBuffers.of(section("receive-buffer", "65536")));
        assertEquals("lwt.yaml:4:7: nodes.hub.send-buffer: 1 is out of range 4096..67108864",
                error(() -> SocketBuffers.of(section("send-buffer", "1"))));
        assertEquals("receive-buffer 1 is out of range 4096..67108864", cause(() -> new SocketBuffers(0, 1)));
    }
}
