package io.lwt.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.core.HubSpec;
import io.lwt.core.SessionSettings;
import io.lwt.launcher.Setting.Scope;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {

    private static String error(String yaml) {
        return assertThrows(ConfigException.class,
                () -> Topology.parse(YamlConfig.parse(yaml, "t.yaml"), java.nio.file.Path.of("."))).getMessage();
    }

    private static Set<String> live(Scope scope) {
        return NodeSettings.ALL.stream().filter(s -> s.scopes().contains(scope) && s.reload() == Setting.Reload.LIVE)
                .map(Setting::key).collect(Collectors.toSet());
    }

    @Test
    void eachKeyIsDeclaredOnceWhereverItMayBeWritten() {
        for (Scope scope : Scope.values()) {
            List<String> keys = NodeSettings.ALL.stream().filter(s -> s.scopes().contains(scope)).map(Setting::key).toList();
            assertEquals(keys.size(), Set.copyOf(keys).size(), scope + ": " + keys);
        }
    }

    @Test
    void eachRoleTakesItsKeys() {
        Set<String> common = Set.of("role", "name", "address", "mtu", "device", "keepalive", "timeout", "send-queue",
                "send-queue-bytes", "tun", "transport", "codec", "protocol", "routes", "metrics", "log-level");
        assertEquals(union(common, Set.of("listen", "max-clients", "routing", "clients", "pool", "state",
                "handshake-timeout", "max-handshakes", "connection-rate", "insecure", "static-key", "cluster", "advertise")),
                NodeSettings.keys(Scope.HUB));
        assertEquals(union(common, Set.of("connect", "key", "hub-key", "identity")), NodeSettings.keys(Scope.CLIENT));
        assertEquals(Set.of("key", "address", "routes"), NodeSettings.keys(Scope.CLIENT_ENTRY));
    }

    @Test
    void aReloadAppliesTheseAndKeepsEveryOtherKeyUntilARestart() {
        assertEquals(Set.of("log-level", "clients", "routing", "max-clients", "max-handshakes", "connection-rate",
                "routes", "insecure"), live(Scope.HUB));
        assertEquals(Set.of("log-level", "routes"), live(Scope.CLIENT));
        Config.Location at = Config.Location.of("t.yaml");
        Config before = Config.builder("", at).put("role", "hub").put("mtu", "1400").put("max-clients", "10")
                .put("log-level", "info").put("pool", "10.0.0.100-10.0.0.199").build();
        Config after = Config.builder("", at).put("role", "hub").put("mtu", "9000").put("max-clients", "20")
                .put("log-level", "debug").put("state", "pool.state").build();
        assertEquals(List.of("mtu", "pool", "state"), NodeReloader.needRestart(before, after, Scope.HUB));
        assertEquals(List.of(), NodeReloader.needRestart(before, before, Scope.HUB));
        // what the hub itself once reported (HubNode.Reload.needRestart): its device, address and listen socket stay
        Config started = Config.builder("", at).put("role", "hub").put("device", "t1").put("address", "10.0.0.1/24")
                .put("listen", ":9000").put("max-clients", "10").build();
        Config moved = Config.builder("", at).put("role", "hub").put("device", "t2").put("address", "10.0.0.1/16")
                .put("listen", ":9001").put("max-clients", "12").build();
        assertEquals(List.of("device", "address", "listen"), NodeReloader.needRestart(started, moved, Scope.HUB));
    }

    @Test
    void defaultsAndBoundsAreTheEnginesOwn() {
        HubSpec hub = (HubSpec) Topology.parse(YamlConfig.parse("role: hub\nlisten: \":9000\"\naddress: 10.0.0.1/24\n",
                "t.yaml"), java.nio.file.Path.of(".")).select(null, null).spec();
        assertEquals(new SessionSettings(SessionSettings.DEFAULT_KEEPALIVE, SessionSettings.DEFAULT_TIMEOUT,
                SessionSettings.DEFAULT_SEND_QUEUE, SessionSettings.DEFAULT_SEND_QUEUE_BYTES), hub.session());
        assertEquals(HubSpec.DEFAULT_MAX_CLIENTS, hub.maxClients());
        assertEquals(1400, hub.tun().mtu());
        String node = "nodes:\n  h: {role: hub, listen: \":9000\", address: 10.0.0.1/24, %s}\n";
        assertEquals("t.yaml:2:69: nodes.h.send-queue: 1048577 is out of range 1..1048576",
                error(node.formatted("send-queue: 1048577")));
        assertEquals("t.yaml:2:75: nodes.h.send-queue-bytes: expected a size in bytes, got '4m'",
                error(node.formatted("send-queue-bytes: 4m")));
        assertEquals("t.yaml:2:68: nodes.h.log-level: expected error, warn, info, debug or trace, got 'loud'",
                error(node.formatted("log-level: loud")));
        assertEquals("t.yaml:2:67: nodes.h.protocol: expected secure or legacy, got 'old'",
                error(node.formatted("protocol: old")));
        assertEquals("t.yaml:2:76: nodes.h.handshake-timeout: expected a duration such as 500ms, 10s or 2m, got 'soon'",
                error(node.formatted("handshake-timeout: soon")));
        assertEquals("t.yaml:2:48: nodes.h.listen: port 65536 is out of range",
                error("nodes:\n  h: {role: hub, address: 10.0.0.1/24, listen: \":65536\"}\n"));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }
}
