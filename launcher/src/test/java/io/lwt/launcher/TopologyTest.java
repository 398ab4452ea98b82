package io.lwt.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.ConfigException;
import io.lwt.core.ClientAuth;
import io.lwt.core.ClientSpec;
import io.lwt.core.HubAccess;
import io.lwt.core.HubSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {

    /** The real discovery: the built-in plugins are on the test's module path. */
    static final Providers BUILT_INS = Providers.discover(List.of());

    /** An inline key: fine in tests, warned about by lwt check. */
    static final String KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    /** A hub's public key, for files without their hub. */
    static final String HUB_KEY = io.lwt.core.StaticKeys.text(io.lwt.core.StaticKeys.publicKey(new byte[32]));

    private static Topology parse(String yaml) {
        return Topology.parse(YamlConfig.parse(yaml, "t.yaml"), java.nio.file.Path.of("."));
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void nodesInheritDefaultsThatApplyToTheirRole() {
        Topology t = parse("""
                defaults:
                  mtu: 9000
                  keepalive: 1s
                  timeout: 5s
                  max-clients: 3
                nodes:
                  hub: {role: hub, listen: "0.0.0.0:9000", address: 10.0.0.1/24}
                  alice: {role: client, connect: "hub.example:9000", address: 10.0.0.2/24, mtu: 1400, key: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=}
                """);
        HubSpec hub = (HubSpec) t.nodes().get("hub").spec();
        assertEquals(9000, hub.tun().mtu());
        assertEquals(3, hub.maxClients());
        assertEquals(Duration.ofSeconds(5), hub.session().timeout());
        ClientSpec alice = (ClientSpec) t.nodes().get("alice").spec();
        assertEquals(1400, alice.mtu(), "the node's own value wins");
        assertEquals("hub.example", alice.hubs().getFirst().getHostString());
        assertTrue(alice.hubs().getFirst().isUnresolved(), "names are resolved when dialing");
        assertEquals(List.of("hub", "alice"), t.names());
        HubAccess.Secure access = (HubAccess.Secure) hub.access();
        assertEquals("10.0.0.2", access.clients().get("alice").address().getHostAddress(),
                "the hub accepts the file's clients, at their fixed addresses");
        assertEquals(List.of("t.yaml:8:92: nodes.alice.key: inline key: anyone who can read this file can use it; prefer file: or env:"),
                t.warnings());
    }

    @Test
    void hubClientsPoolAndLegacyMode() {
        Topology t = parse("""
                nodes:
                  hub:
                    role: hub
                    listen: ":9000"
                    address: 10.0.0.1/24
                    pool: 10.0.0.100-10.0.0.199
                    clients:
                      carol: {key: %s, address: 10.0.0.4}
                  dave: {role: client, connect: "h:9000", key: %s}
                  old: {role: client, connect: "h:9000", protocol: legacy, address: 10.0.0.9/24}
                """.formatted(KEY, KEY));
        HubAccess.Secure access = (HubAccess.Secure) ((HubSpec) t.nodes().get("hub").spec()).access();
        assertEquals(java.util.Set.of("carol", "dave"), access.clients().keySet(), "legacy clients have no key");
        assertEquals(null, access.clients().get("dave").address(), "dave takes a pool address");
        assertTrue(access.stateFile().endsWith("hub-pool.state"));
        assertInstanceOf(ClientAuth.Legacy.class, ((ClientSpec) t.nodes().get("old").spec()).auth());
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("legacy: no authentication")), t.warnings().toString());
        assertTrue(error("""
                nodes:
                  hub: {role: hub, listen: ":9000", address: 10.0.0.1/24, pool: 10.0.0.100-10.0.0.199}
                  dave: {role: client, connect: "h:9000", key: %s, address: 10.0.0.150}
                """.formatted(KEY)).endsWith("nodes.dave.address: 10.0.0.150 lies inside the pool"));
        assertTrue(error("nodes:\n  c: {role: client, connect: \"h:1\", key: Zm9v}\n")
                .endsWith("nodes.c.key: key is 3 bytes; at least 16 are needed (lwt keygen makes one)"));
        assertTrue(error("nodes:\n  c: {role: client, connect: \"h:1\", key: \"env:LWT_NO_SUCH_VARIABLE\"}\n")
                .endsWith("nodes.c.key: environment variable LWT_NO_SUCH_VARIABLE is not set"));
    }

    @Test
    void singleNodeFile() {
        Topology t = parse("role: client\nname: carol\nconnect: 192.0.2.1:9000\nkey: " + KEY + "\nhub-key: " + HUB_KEY + "\n");
        assertInstanceOf(ClientSpec.class, t.select(null, null).spec());
        assertEquals("carol", t.select(null, null).name());
    }

    @Test
    void errorsAreLocatedAndExplained() {
        assertEquals("t.yaml:4:13: nodes.hub.adress: unknown key (did you mean 'address'?)", error("""
                nodes:
                  hub:
                    role: hub
                    adress: 10.0.0.1/24
                """));
        assertEquals("t.yaml:2:51: nodes.c.listen: not a setting of a client",
                error("nodes:\n  c: {role: client, address: 10.0.0.2/24, listen: \"0.0.0.0:1\", connect: \"h:1\"}\n"));
        assertEquals("t.yaml:2:30: nodes.c.address: '10.0.0.256' is not an IP address",
                error("nodes:\n  c: {role: client, address: 10.0.0.256/24, connect: \"h:1\"}\n"));
        assertEquals("t.yaml:2:13: nodes.c.role: expected hub or client, got 'hubb'", error("nodes:\n  c: {role: hubb}\n"));
        assertTrue(error("nodes:\n  c: {role: client, address: 10.0.0.2/24}\n").endsWith("nodes.c.connect: missing"));
        assertEquals("t.yaml:2:84: nodes.c.timeout: timeout 1s must be longer than keepalive 10s",
                error("nodes:\n  c: {role: client, address: 10.0.0.2/24, connect: \"h:1\", keepalive: 10s, timeout: 1s, key: " + KEY + "}\n"));
    }

    @Test
    void garbageYamlGetsOneLocatedLine() {
        assertEquals("t.yaml:2:3: invalid YAML: mapping values are not allowed here", error("a: 1\n b: 2: 3\n"));
        assertEquals("t.yaml:1:1: the file is empty", error(""));
        assertEquals("t.yaml:1:1: expected a mapping of keys to values at the top", error("- a\n- b\n"));
        assertEquals("t.yaml:2:1: duplicate key", error("role: hub\nrole: client\n").replaceAll(": role", ""));
    }

    @Test
    void builtInsAreDiscoveredFromTheirModules() {
        assertEquals(List.of("linux"), List.copyOf(BUILT_INS.all(Providers.Kind.TUN).keySet()));
        assertEquals(List.of("tcp", "tls", "udp"), List.copyOf(BUILT_INS.all(Providers.Kind.TRANSPORT).keySet()));
        assertEquals(List.of("length-prefix", "padded", "websocket"), List.copyOf(BUILT_INS.all(Providers.Kind.CODEC).keySet()));
        assertEquals(List.of("hub", "isolated"), List.copyOf(BUILT_INS.all(Providers.Kind.ROUTING).keySet()));
        assertEquals("io.lwt.tun.linux@0.1.0-SNAPSHOT", Providers.module(BUILT_INS.all(Providers.Kind.TUN).get("linux")));
    }

    @Test
    void pluginsAreChosenByNameWithTheirOwnSection() {
        Topology t = parse("""
                nodes:
                  hub:
                    role: hub
                    listen: "0.0.0.0:9000"
                    address: 10.0.0.1/24
                    tun: linux
                    transport: {tcp: {send-buffer: 65536}}
                    routing: isolated
                """);
        Topology.NodeDefinition hub = t.nodes().get("hub");
        assertEquals("tcp", hub.transports().getFirst().name());
        assertEquals("nodes.hub.transport.tcp", hub.transports().getFirst().section().path());
        assertEquals("length-prefix", hub.codec().name(), "default codec");
        NodePlugins plugins = NodePlugins.of(hub, BUILT_INS);
        assertEquals("IsolatedRouting", plugins.routing().getClass().getSimpleName());
    }

    /** {@code connect:} names one hub or the hubs of one network, each checked where it is written. */
    @Test
    void aClientMayListSeveralHubs() {
        String client = "nodes:\n  c: {role: client, hub-key: %s, key: %s, connect: %s}\n".formatted(KEY, KEY, "%s");
        ClientSpec spec = (ClientSpec) parse(client.formatted("[\"hub-a.example:9000\", \"192.0.2.2:9001\"]"))
                .nodes().get("c").spec();
        assertEquals(List.of("hub-a.example:9000", "192.0.2.2:9001"),
                spec.hubs().stream().map(a -> a.getHostString() + ":" + a.getPort()).toList());
        assertEquals("t.yaml:2:%d: nodes.c.connect: port 0 is out of range".formatted(column(client, 1)),
                error(client.formatted("[\"hub-a.example:9000\", \"192.0.2.2:0\"]")));
        assertEquals("t.yaml:2:%d: nodes.c.connect: an empty list; name at least one hub".formatted(column(client, 0)),
                error(client.formatted("[]")));
    }

    /** The column (1-based) of item {@code item} of the connect list in {@code client}'s line, as the parser counts it. */
    private static int column(String client, int item) {
        int connect = client.indexOf("connect: %s") + "connect: ".length() + 1 - "nodes:\n".length();
        return item == 0 ? connect : connect + "[\"hub-a.example:9000\", ".length();
    }

    @Test
    void unknownPluginsAndTheirBadSettingsAreLocated() {
        Topology typo = parse("nodes:\n  h: {role: hub, listen: \":9000\", address: 10.0.0.1/24, transport: tpc}\n");
        assertEquals("t.yaml:2:68: unknown transport plugin 'tpc' (available: tcp, tls, udp); did you mean 'tcp'?",
                assertThrows(ConfigException.class, () -> NodePlugins.of(typo.nodes().get("h"), BUILT_INS)).getMessage());
        Topology badKey = parse("nodes:\n  h: {role: hub, listen: \":9000\", address: 10.0.0.1/24, transport: {tcp: {nodelay: 1}}}\n");
        assertEquals("t.yaml:2:84: nodes.h.transport.tcp.nodelay: unknown key",
                assertThrows(ConfigException.class, () -> NodePlugins.of(badKey.nodes().get("h"), BUILT_INS)).getMessage());
    }

    @Test
    void duplicateProviderNamesNameBothOrigins() {
        var hub = BUILT_INS.all(Providers.Kind.ROUTING).get("hub");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Providers.of(List.of(hub, hub)));
        assertEquals("two routing plugins are named 'hub': io.lwt.routing.hub@0.1.0-SNAPSHOT and "
                + "io.lwt.routing.hub@0.1.0-SNAPSHOT", e.getMessage());
    }

    @Test
    void choosingANode() {
        Topology t = parse("defaults: {hub-key: " + HUB_KEY + "}\nnodes:\n"
                + "  a: {role: client, address: 10.0.0.2/24, connect: \"h:1\", key: " + KEY + "}\n"
                + "  b: {role: client, address: 10.0.0.3/24, connect: \"h:1\", key: " + KEY + "}\n");
        assertEquals("b", t.select("b", null).name());
        assertTrue(assertThrows(ConfigException.class, () -> t.select(null, io.lwt.api.Config.Location.of("t.yaml")))
                .getMessage().contains("choose one with --node"));
        assertTrue(assertThrows(ConfigException.class, () -> t.select("c", io.lwt.api.Config.Location.of("t.yaml")))
                .getMessage().contains("no node named 'c' (nodes: a, b)"));
    }

    @Test
    void dualStackAddressesPoolsAndRoutes() {
        Topology t = parse("""
                defaults: {mtu: 1400}
                nodes:
                  hub:
                    role: hub
                    listen: "[::]:9000"
                    address: [10.0.0.1/24, fd00::1/64]
                    pool: [10.0.0.100-10.0.0.199, fd00::100-fd00::1ff]
                    routes: [172.20.0.0/16, 2001:db8::/32]
                    clients:
                      carol: {key: %s, address: [10.0.0.4, fd00::4], routes: [fd00:50::/64]}
                  dave: {role: client, connect: "[fd99:1::1]:9000", key: %s, address: fd00::5}
                  erin: {role: client, connect: "hub.example:9000", key: %s}
                """.formatted(KEY, KEY, KEY));
        HubSpec hub = (HubSpec) t.nodes().get("hub").spec();
        assertEquals("fd00::1/64", hub.tun().ipv6Address().toString());
        assertEquals("10.0.0.1/24", hub.tun().address().toString());
        assertEquals(new java.net.InetSocketAddress(io.lwt.api.IpPrefix.literal("::"), 9000), hub.listen(), "dual-stack");
        HubAccess.Secure access = (HubAccess.Secure) hub.access();
        assertEquals("fd00::100-fd00::1ff", access.pool().ipv6().toString());
        assertEquals("10.0.0.100-10.0.0.199", access.pool().ipv4().toString());
        assertEquals("[172.20.0.0/16, 2001:db8::/32]", access.routes().toString());
        HubAccess.ClientEntry carol = access.clients().get("carol");
        assertEquals("10.0.0.4 fd00::4 [fd00:50::/64]", carol.address().getHostAddress() + " "
                + io.lwt.api.IpPrefix.text(carol.ipv6Address()) + " " + carol.routes());
        HubAccess.ClientEntry dave = access.clients().get("dave");
        assertEquals(null, dave.address(), "an IPv4 address from the pool");
        assertEquals("fd00::5", io.lwt.api.IpPrefix.text(dave.ipv6Address()));
        ClientSpec daveSpec = (ClientSpec) t.nodes().get("dave").spec();
        assertEquals("fd99:1:0:0:0:0:0:1", daveSpec.hubs().getFirst().getAddress().getHostAddress(), "an IPv6 underlay");
        assertEquals(null, access.clients().get("erin").ipv6Address());
    }

    @Test
    void ipv6MistakesAreLocatedAndExplained() {
        String hub = "nodes:\n  hub: {role: hub, listen: \":9000\", %s}\n";
        assertEquals("t.yaml:2:46: nodes.hub.address: an IPv4 address is needed; an IPv6 one may come beside it, e.g."
                + " [10.0.0.1/24, fd00::1/64]", error(hub.formatted("address: fd00::1/64")));
        assertEquals("t.yaml:2:46: nodes.hub.address: two IPv6 addresses: give at most one of each family, e.g."
                + " [10.0.0.1/24, fd00::1/64]", error(hub.formatted("address: [10.0.0.1/24, fd00::1/64, fd01::1/64]")));
        assertTrue(error(hub.formatted("address: [10.0.0.1/24, fe80::1/64]"))
                .endsWith("nodes.hub.address: fe80::1 is a link-local, multicast, loopback or unspecified address;"
                        + " a tunnel address must be unicast, e.g. from fd00::/8"));
        assertTrue(error(hub.formatted("address: [10.0.0.1/24, fd00::1/64], mtu: 1000"))
                .endsWith("nodes.hub.mtu: 1000 is too small for IPv6 inside the tunnel, which needs at least 1280"));
        assertTrue(error(hub.formatted("address: 10.0.0.1/24, routes: [fd00:50::/64]"))
                .endsWith("nodes.hub.routes: fd00:50::/64: IPv6 routes need an IPv6 address on the hub"
                        + " (address: [10.0.0.1/24, fd00::1/64])"));
        assertTrue(error(hub.formatted("address: 10.0.0.1/24, pool: [10.0.0.100-10.0.0.199, fd00::100-fd00::1ff]"))
                .endsWith("nodes.hub.pool: the IPv6 range fd00::100-fd00::1ff needs an IPv6 address on the hub too"
                        + " (address: [10.0.0.1/24, fd00::1/64])"));
        assertTrue(error(hub.formatted("address: [10.0.0.1/24, fd00::1/64], protocol: legacy"))
                .endsWith("nodes.hub.address: legacy mode is IPv4 only: drop the IPv6 address fd00::1/64"));
        assertTrue(error(hub.formatted("address: [10.0.0.1/24, fd00::1/64], pool: [fd00::100-fd00::1ff, fd01::1-fd01::2]"))
                .endsWith("nodes.hub.pool: two IPv6 ranges: a pool has at most one of each family"));
        assertTrue(error("""
                nodes:
                  hub: {role: hub, listen: ":9000", address: 10.0.0.1/24}
                  dave: {role: client, connect: "h:9000", key: %s, address: fd00::5}
                """.formatted(KEY)).endsWith("nodes.dave.address: fd00::5: an IPv6 address needs an IPv6 address on the hub too"));
        assertTrue(error("""
                nodes:
                  hub: {role: hub, listen: ":9000", address: [10.0.0.1/24, fd00::1/64], pool: fd00::100-fd00::1ff}
                  dave: {role: client, connect: "h:9000", key: %s, address: [10.0.0.5, fd00::150]}
                """.formatted(KEY)).endsWith("nodes.dave.address: fd00::150 lies inside the pool"));
        assertTrue(error("nodes:\n  old: {role: client, connect: \"h:9000\", protocol: legacy, address: fd00::9/64}\n")
                .endsWith("nodes.old.address: legacy mode is IPv4 only: fd00::9/64 is an IPv6 address"));
    }

    /** A dual-stack hub with a pool, a clients entry and a client node; {@code %s} ends the hub's line. */
    private static final String ADDRESSED = """
            nodes:
              hub: {role: hub, listen: ":9000", address: [10.0.0.1/24, fd00::1/64]%s}
              dave: {role: client, connect: "h:9000", key: %s%s}
            """;

    private static String addressed(String hub, String dave) {
        return error(ADDRESSED.formatted(hub, KEY, dave));
    }

    @Test
    void aValidConfigWithPoolsAndFixedAddressesPasses() {
        Topology t = parse(ADDRESSED.formatted(", pool: [10.0.0.2-10.0.0.99, fd00::2-fd00::ffff],"
                + " clients: {carol: {key: " + KEY + ", address: [10.0.0.254, fd00::ffff:ffff:ffff:ffff],"
                + " routes: [10.1.0.0/16, fd01::/64]}}", KEY, ", address: [10.0.0.100, fd00::1:0], routes: 9.0.0.0/8"));
        HubAccess.Secure access = (HubAccess.Secure) ((HubSpec) t.nodes().get("hub").spec()).access();
        assertEquals("10.0.0.254", access.clients().get("carol").address().getHostAddress(), "the last host of the /24");
        assertEquals("fd00::1:0", io.lwt.api.IpPrefix.text(access.clients().get("dave").ipv6Address()));
    }

    @Test
    void poolRangesLieInsideTheTunnelNetwork() {
        assertEquals("t.yaml:2:80: nodes.hub.pool: 10.0.1.100-10.0.1.199 is not inside the tunnel network 10.0.0.0/24"
                + " (the hub's address 10.0.0.1/24)", addressed(", pool: [10.0.1.100-10.0.1.199]", ""));
        assertEquals("t.yaml:2:79: nodes.hub.pool: 10.0.0.200-10.0.1.10 is not inside the tunnel network 10.0.0.0/24"
                + " (the hub's address 10.0.0.1/24)", addressed(", pool: 10.0.0.200-10.0.1.10", ""),
                "a range that starts inside and ends outside");
        assertEquals("t.yaml:2:103: nodes.hub.pool: fd00:0:0:1::1-fd00:0:0:1::ff is not inside the tunnel network"
                + " fd00::/64 (the hub's address fd00::1/64)",
                addressed(", pool: [10.0.0.100-10.0.0.199, fd00:0:0:1::1-fd00:0:0:1::ff]", ""));
    }

    @Test
    void poolRangesLeaveOutTheHubsOwnAddress() {
        assertEquals("t.yaml:2:80: nodes.hub.pool: 10.0.0.1-10.0.0.99 includes 10.0.0.1, the hub's own address",
                addressed(", pool: [10.0.0.1-10.0.0.99]", ""));
        assertEquals("t.yaml:2:103: nodes.hub.pool: fd00::1-fd00::ff includes fd00::1, the hub's own address",
                addressed(", pool: [10.0.0.100-10.0.0.199, fd00::1-fd00::ff]", ""));
    }

    @Test
    void poolRangesLeaveOutTheNetworkAndBroadcastAddresses() {
        assertEquals("t.yaml:2:80: nodes.hub.pool: 10.0.0.0-10.0.0.0 includes 10.0.0.0, the network address of"
                + " 10.0.0.0/24", addressed(", pool: [10.0.0.0-10.0.0.0]", ""));
        assertEquals("t.yaml:2:80: nodes.hub.pool: 10.0.0.100-10.0.0.255 includes 10.0.0.255, the broadcast address of"
                + " 10.0.0.0/24", addressed(", pool: [10.0.0.100-10.0.0.255]", ""));
        assertEquals("t.yaml:2:103: nodes.hub.pool: fd00::-fd00:: includes fd00::, the subnet-router anycast address"
                + " of fd00::/64", addressed(", pool: [10.0.0.100-10.0.0.199, fd00::0-fd00::0]", ""));
        assertEquals(1, parse("nodes:\n  hub: {role: hub, listen: \":9000\", address: 10.0.0.0/31, pool: 10.0.0.1-10.0.0.1}\n")
                .nodes().size(), "a /31 has no network or broadcast address (RFC 3021)");
    }

    @Test
    void fixedAddressesLieInsideTheTunnelNetwork() {
        assertEquals("t.yaml:3:114: nodes.dave.address: fd00:1::5 is not inside the tunnel network fd00::/64"
                + " (the hub's address fd00::1/64)", addressed("", ", address: [10.0.0.5, fd00:1::5]"));
        assertEquals("t.yaml:2:151: nodes.hub.clients.carol.address: 192.168.0.4 is not inside the tunnel network"
                + " 10.0.0.0/24 (the hub's address 10.0.0.1/24)",
                addressed(", clients: {carol: {key: " + KEY + ", address: 192.168.0.4}}", ""));
    }

    @Test
    void fixedAddressesAreNotTheHubsOwnNorTheNetworksOrBroadcast() {
        assertEquals("t.yaml:3:103: nodes.dave.address: 10.0.0.1 is the hub's own address", addressed("", ", address: 10.0.0.1"));
        assertEquals("t.yaml:3:103: nodes.dave.address: 10.0.0.0 is the network address of 10.0.0.0/24",
                addressed("", ", address: 10.0.0.0"));
        assertEquals("t.yaml:3:103: nodes.dave.address: 10.0.0.255 is the broadcast address of 10.0.0.0/24",
                addressed("", ", address: 10.0.0.255"));
        assertEquals("t.yaml:3:114: nodes.dave.address: fd00::1 is the hub's own address",
                addressed("", ", address: [10.0.0.5, fd00::1]"));
    }

    @Test
    void fixedAddressesLieOutsideThePool() {
        assertEquals("t.yaml:3:114: nodes.dave.address: fd00::150 lies inside the pool",
                addressed(", pool: [10.0.0.100-10.0.0.199, fd00::100-fd00::1ff]", ", address: [10.0.0.5, fd00::150]"));
    }

    @Test
    void twoClientsHaveNoFixedAddressInCommon() {
        assertEquals("t.yaml:3:103: nodes.dave.address: 10.0.0.4 is already the address of carol",
                addressed(", clients: {carol: {key: " + KEY + ", address: 10.0.0.4}}", ", address: 10.0.0.4"));
        assertEquals("t.yaml:3:114: nodes.dave.address: fd00::4 is already the address of carol",
                addressed(", clients: {carol: {key: " + KEY + ", address: [10.0.0.4, fd00::4]}}",
                        ", address: [10.0.0.5, fd00::4]"));
    }

    @Test
    void aTlsPrivateKeyOthersMayReadIsWarnedAbout(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("hub.pem"), "not read here");
        java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        java.nio.file.Path store = java.nio.file.Files.createDirectories(dir.resolve("tls"));
        java.nio.file.Path auto = java.nio.file.Files.writeString(store.resolve("tls.key"), "not read here");
        java.nio.file.Files.setPosixFilePermissions(auto, java.nio.file.attribute.PosixFilePermissions.fromString("rw----r--"));
        String file = dir.resolve("t.yaml").toString();
        Topology t = Topology.parse(YamlConfig.parse("""
                nodes:
                  hub: {role: hub, listen: ":9000", address: 10.0.0.1/24, transport: {tls: {certificate: hub.crt, private-key: hub.pem}}}
                  alice: {role: client, connect: "h:9000", key: %s, transport: {tls: {certificate: auto}}}
                """.formatted(KEY), file), dir);
        assertEquals(List.of(file + ":3:126: nodes.alice.transport.tls.certificate: " + auto + " is mode 0604, readable"
                        + " by group or others: chmod 600 " + auto,
                file + ":2:112: nodes.hub.transport.tls.private-key: " + key + " is mode 0644, readable by group or"
                        + " others: chmod 600 " + key),
                t.warnings().stream().filter(w -> w.contains("chmod")).toList());
    }

    @Test
    void clientRoutesDoNotOverlapTheTunnelNetwork() {
        assertEquals("t.yaml:3:114: nodes.dave.routes: 10.0.0.0/8 overlaps the tunnel network 10.0.0.0/24: a client's"
                + " routes are its sources, so it could send as other clients",
                addressed("", ", routes: [9.0.0.0/8, 10.0.0.0/8]"));
        assertEquals("t.yaml:2:151: nodes.hub.clients.carol.routes: fd00::40/122 overlaps the tunnel network fd00::/64:"
                + " a client's routes are its sources, so it could send as other clients",
                addressed(", clients: {carol: {key: " + KEY + ", routes: [fd00::40/122]}}", ""));
    }
}
