package io.lwt.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigTest {

    private static final Config.Location AT = new Config.Location("lwt.yaml", 3, 5);

    private static Config section(String... keyValues) {
        Config.Builder b = Config.builder("nodes.hub.transport.tcp", AT);
        for (int i = 0; i < keyValues.length; i += 2) {
            b.put(keyValues[i], new ConfigValue.Scalar(keyValues[i + 1], new Config.Location("lwt.yaml", 7, 9 + i)));
        }
        return b.build();
    }

    @Test
    void unknownKeyIsLocatedNamedAndGetsASuggestion() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> section("send-bufer", "1").requireOnly(Set.of("send-buffer", "receive-buffer")));
        assertEquals("lwt.yaml:7:9: nodes.hub.transport.tcp.send-bufer: unknown key (did you mean 'send-buffer'?)",
                e.getMessage());
    }

    @Test
    void relativeFilesAreResolvedBesideTheFileTheyWereReadFrom() {
        Config config = Config.builder("nodes.hub.transport.tls", new Config.Location("/etc/lwt/hub.yaml", 1, 1))
                .put("certificate", "tls/hub.crt").put("ca", "/srv/ca.pem").build();
        assertEquals(Optional.of(java.nio.file.Path.of("/etc/lwt/tls/hub.crt")), config.file("certificate"));
        assertEquals(Optional.of(java.nio.file.Path.of("/srv/ca.pem")), config.file("ca"));
        assertEquals(Optional.empty(), config.file("private-key"));
    }

    @Test
    void noSuggestionForSomethingFarOff() {
        ConfigException e = assertThrows(ConfigException.class, () -> section("zzz", "1").requireOnly(Set.of("mtu")));
        assertTrue(e.getMessage().endsWith("zzz: unknown key"), e.getMessage());
    }

    @Test
    void integersAreRangeChecked() {
        assertEquals(1400, section("mtu", "1400").integer("mtu", 0, 576, 65535));
        assertEquals(7, section().integer("mtu", 7, 576, 65535), "default when absent");
        ConfigException e = assertThrows(ConfigException.class, () -> section("mtu", "70000").integer("mtu", 0, 576, 65535));
        assertEquals("nodes.hub.transport.tcp.mtu: 70000 is out of range 576..65535", e.reason());
        assertThrows(ConfigException.class, () -> section("mtu", "big").integer("mtu", 0, 576, 65535));
    }

    @Test
    void durationsTakeUnitsAndBareSeconds() {
        Config c = section("a", "500ms", "b", "10s", "c", "2m", "d", "3", "e", "1h");
        assertEquals(Duration.ofMillis(500), c.duration("a", null));
        assertEquals(Duration.ofSeconds(10), c.duration("b", null));
        assertEquals(Duration.ofMinutes(2), c.duration("c", null));
        assertEquals(Duration.ofSeconds(3), c.duration("d", null));
        assertEquals(Duration.ofHours(1), c.duration("e", null));
        assertThrows(ConfigException.class, () -> section("a", "soon").duration("a", null));
    }

    @Test
    void booleansAndStrings() {
        Config c = section("on", "yes", "off", "false", "bad", "maybe");
        assertTrue(c.bool("on", false));
        assertEquals(false, c.bool("off", true));
        assertThrows(ConfigException.class, () -> c.bool("bad", true));
        assertEquals(Optional.empty(), c.string("missing"));
        ConfigException missing = assertThrows(ConfigException.class, () -> c.requireString("listen"));
        assertEquals("lwt.yaml:3:5: nodes.hub.transport.tcp.listen: missing", missing.getMessage());
    }

    @Test
    void listsAndSectionsAreTypeChecked() {
        Config.Location l = new Config.Location("f", 1, 1);
        Config nested = Config.builder("x.inner", l).put("k", "v").build();
        Config c = Config.builder("x", l)
                .put("routes", new ConfigValue.Sequence(List.of(new ConfigValue.Scalar("10.1.0.0/16", l)), l))
                .put("one", "192.168.0.0/24")
                .put("inner", nested)
                .build();
        assertEquals(List.of("10.1.0.0/16"), c.strings("routes"));
        assertEquals(List.of("192.168.0.0/24"), c.strings("one"));
        assertEquals("v", c.section("inner").orElseThrow().requireString("k"));
        assertThrows(ConfigException.class, () -> c.section("one"));
        assertThrows(ConfigException.class, () -> c.string("inner"));
    }
}
