package io.lwt.launcher;

import static io.lwt.launcher.InProcess.lwt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.cert.Certificates;
import io.lwt.core.ClientSpec;
import io.lwt.core.HubSpec;
import io.lwt.core.StaticKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: no root, no devices. */
class CommandLineTest {

    @TempDir
    Path dir;

    @Test
    void versionAndHelpOnEveryCommand() {
        assertEquals("lwt 0.1.0-SNAPSHOT", lwt("--version").out().strip());
        for (String command : new String[] {"run", "status", "kick", "reload", "check", "plugins", "init", "keygen", "invite", "join", "demo"}) {
            InProcess.Outcome help = lwt(command, "--help");
            assertEquals(0, help.exit(), command);
            assertTrue(help.out().startsWith("Usage: lwt " + command), help.out());
        }
    }

    @Test
    void initWritesAnExampleThatChecksAndRefusesToOverwrite() throws Exception {
        InProcess.Outcome init = lwt("init", dir.toString());
        assertEquals(0, init.exit(), init.err());
        Path file = dir.resolve("lwt.yaml");
        InProcess.Outcome check = lwt("check", file.toString());
        assertEquals(0, check.exit(), check.err());
        assertEquals(file + ": ok (3 nodes: hub, alice, bob)", check.out().strip());
        assertEquals("", check.err(), "keys in files, the hub's static key made: no warning");
        String hubKey = lwt("keygen", "--public", dir.resolve("noise/hub.key").toString()).out().strip();
        assertEquals(2, Files.readString(file).split("hub-key: " + java.util.regex.Pattern.quote(hubKey), -1).length - 1,
                "both clients pin the hub's public key");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("noise/hub.key"))));
        assertTrue(Files.exists(dir.resolve("alice.key")) && Files.exists(dir.resolve("bob.key")));
        InProcess.Outcome again = lwt("init", dir.toString());
        assertEquals(1, again.exit());
        assertEquals("lwt: " + file + " exists; not overwriting it", again.err().strip());
    }

    @Test
    void checkPrintsTheLocatedErrorAlone() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "nodes:\n  hub: {role: hub, listen: \":9000\", address: 10.0.0.1/24, routing: hubb}\n");
        InProcess.Outcome check = lwt("check", file.toString());
        assertEquals(Cli.CONFIGURATION, check.exit());
        assertEquals(file + ":2:68: unknown routing plugin 'hubb' (available: hub, isolated); did you mean 'hub'?",
                check.err().strip());
        assertEquals(dir.resolve("missing.yaml") + ": no such file", lwt("check", dir.resolve("missing.yaml").toString()).err().strip());
    }

    /**
     * A hub listens with one transport over TCP and one over UDP at most; datagrams go with neither a disguise codec nor
     * legacy mode; a list names each transport once. Each refusal is one located line.
     */
    @Test
    void checkRefusesTransportsThatDoNotGoTogether() throws Exception {
        Path file = dir.resolve("transports.yaml");
        String hub = "role: hub\nlisten: \":9000\"\naddress: 10.0.0.1/24\n";
        Files.writeString(file, hub + "transport: [udp, tcp]\n");
        InProcess.Outcome check = lwt("check", file.toString());
        assertEquals(0, check.exit(), check.err());
        assertEquals("", check.err());

        Files.writeString(file, hub + "transport: [tcp, {tls: {certificate: auto}}]\n");
        assertEquals(file + ":4:24: transport: tcp and tls would both listen on TCP port 9000; a hub takes one "
                + "transport over TCP and one over UDP", lwt("check", file.toString()).err().strip());
        Files.writeString(file, hub + "transport: [udp, tcp]\ncodec: websocket\n");
        assertEquals(file + ":5:8: codec: websocket frames a byte stream, and transport udp carries datagrams, which "
                + "nothing frames or disguises: leave codec at length-prefix, or drop udp",
                lwt("check", file.toString()).err().strip());
        Files.writeString(file, hub + "transport: udp\nprotocol: legacy\n");
        assertEquals(file + ":4:12: transport: udp carries datagrams, and protocol legacy speaks the original "
                + "program's TCP stream: use tcp or tls", lwt("check", file.toString()).err().strip().lines().toList().getLast(),
                "after legacy's own warning");
        Files.writeString(file, hub + "transport: [udp, udp]\n");
        assertEquals(file + ":4:18: transport: udp is listed twice", lwt("check", file.toString()).err().strip());
        Files.writeString(file, hub + "transport: []\n");
        assertEquals(file + ":4:12: transport: an empty list; name at least one",
                lwt("check", file.toString()).err().strip());
    }

    /** A clustered hub: its store plugin's settings, where the other hubs reach it, its key, its protocol. */
    @Test
    void checkValidatesAClusteredHub() throws Exception {
        Path file = dir.resolve("cluster.yaml");
        String hub = "role: hub\naddress: 10.0.0.1/24\npool: 10.0.0.100-10.0.0.199\n";
        String etcd = "cluster: {etcd: {endpoints: [http://192.0.2.5:2379]}}\n";
        Files.writeString(file, hub + "listen: \":9000\"\n" + etcd);
        assertEquals(file + ":4:9: listen: 9000 on every address does not say where the other hubs of the cluster reach "
                + "this one: set advertise: HOST:PORT", lwt("check", file.toString()).err().strip());

        Files.writeString(file, hub + "listen: \":9000\"\nadvertise: 192.0.2.10:9000\n" + etcd);
        InProcess.Outcome check = lwt("check", file.toString());
        assertEquals(0, check.exit(), check.err());
        assertTrue(check.err().contains("static-key: auto: this hub of a cluster makes a key of its own"), check.err());

        Files.writeString(file, hub + "listen: 192.0.2.10:9000\ncluster: etc\n");
        assertEquals(file + ":5:10: unknown cluster plugin 'etc' (available: etcd); did you mean 'etcd'?",
                lwt("check", file.toString()).err().strip().lines().toList().getLast());
        Files.writeString(file, hub + "listen: 192.0.2.10:9000\nadvertise: 192.0.2.10:9000\n");
        assertEquals(file + ":5:12: advertise: only a hub with a cluster: advertises itself",
                lwt("check", file.toString()).err().strip());
        String longName = "h".repeat(49);
        Files.writeString(file, "nodes:\n  " + longName + ": {role: hub, address: 10.0.0.1/24, listen: 192.0.2.10:9000, "
                + etcd.strip() + "}\n");
        assertTrue(lwt("check", file.toString()).err().strip().endsWith("cluster: the hub's name " + longName
                + " is longer than 48 bytes, the most a link between hubs carries"), lwt("check", file.toString()).err());
        Files.writeString(file, "role: hub\naddress: 10.0.0.1/24\nlisten: 192.0.2.10:9000\nprotocol: legacy\n" + etcd);
        assertTrue(lwt("check", file.toString()).err().strip().endsWith(file + ":5:10: cluster: protocol legacy cannot "
                + "share a cluster: its clients are not authenticated"));
    }

    @Test
    void onlyALegacyHubOnAPlaintextTransportWarnsUnlessItSaysInsecure() throws Exception {
        Path file = dir.resolve("plain.yaml");
        Files.writeString(file, "role: hub\nlisten: \":9000\"\naddress: 10.0.0.1/24\ntransport: {tcp: {}}\n");
        assertEquals("", lwt("check", file.toString()).err(), "the secure protocol seals everything on tcp");
        Files.writeString(file, "protocol: legacy\n", java.nio.file.StandardOpenOption.APPEND);
        InProcess.Outcome check = lwt("check", file.toString());
        assertEquals(0, check.exit(), check.err());
        assertTrue(check.err().contains("warning: " + file + ":4:18: transport: tcp does not encrypt, and protocol "
                + "legacy seals nothing"), check + "|");
        Files.writeString(file, "insecure: true\n", java.nio.file.StandardOpenOption.APPEND);
        assertFalse(lwt("check", file.toString()).err().contains("does not encrypt"));
    }

    @Test
    void theDemoTopologyChecks() throws Exception {
        Path file = dir.resolve("demo.yaml");
        try (var in = io.lwt.launcher.demo.DemoCommand.class.getResourceAsStream("demo.yaml")) {
            Files.write(file, in.readAllBytes());
        }
        InitCommand.writeKey(dir.resolve("alice.key"));
        InitCommand.writeKey(dir.resolve("bob.key"));
        InProcess.Outcome check = lwt("check", file.toString());
        assertEquals(0, check.exit(), check.err());
        assertEquals(file + ": ok (3 nodes: hub, alice, bob)", check.out().strip());
    }

    @Test
    void keygenWritesAKeyFileOnlyItsOwnerCanRead() throws Exception {
        Path file = dir.resolve("carol.key");
        InProcess.Outcome keygen = lwt("keygen", "--out", file.toString());
        assertEquals(0, keygen.exit(), keygen.err());
        assertEquals("", keygen.out(), "the key goes to the file only");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(44, Files.readString(file).strip().length());
        Path hub = dir.resolve("hub.key");
        assertEquals(0, lwt("keygen", "--hub", "-o", hub.toString()).exit());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hub)));
        StaticKeys.parse(Files.readString(hub));
        InProcess.Outcome again = lwt("keygen", "--out", file.toString());
        assertEquals(Cli.FAILED, again.exit());
        assertEquals("lwt: " + file + " exists; not overwriting it", again.err().strip());
    }

    @Test
    void checkWarnsAboutSecretsOthersMayRead() throws Exception {
        Path file = dir.resolve("lwt.yaml");
        Files.writeString(file, """
                nodes:
                  hub: {role: hub, listen: ":9000", address: 10.0.0.1/24, pool: 10.0.0.100-10.0.0.199}
                  alice: {role: client, connect: "h:9000", key: file:alice.key}
                """);
        Path key = dir.resolve("alice.key");
        InitCommand.writeKey(key);
        assertEquals("", lwt("check", file.toString()).err().replaceAll("warning: alice pins .*\n", ""),
                "a key file of mode 0600");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Path hubKey = dir.resolve("noise/hub.key");
        Keys.saveStatic(hubKey, StaticKeys.generate());
        Files.setPosixFilePermissions(hubKey, PosixFilePermissions.fromString("rw-r-----"));
        Path state = Files.writeString(dir.resolve("hub-pool.state"), "");
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rw----r--"));
        InProcess.Outcome check = lwt("check", file.toString());
        assertEquals(0, check.exit(), "a warning, not an error: " + check.err());
        assertEquals(String.join("\n",
                "warning: " + file + ":2:8: nodes.hub.static-key: " + hubKey + " is mode 0640, readable by group or"
                        + " others: chmod 600 " + hubKey,
                "warning: " + file + ":3:49: nodes.alice.key: " + key + " is mode 0644, readable by group or others:"
                        + " chmod 600 " + key,
                "warning: " + file + ":2:8: nodes.hub.state: " + state + " is mode 0604, readable by group or others:"
                        + " chmod 600 " + state), check.err().strip());
    }

    @Test
    void keygenMakesEveryKindOfKey() throws Exception {
        assertEquals(44, lwt("keygen").out().strip().length(), "a pre-shared key");
        String hub = lwt("keygen", "--hub").out().strip();
        Path file = dir.resolve("hub.key");
        Files.writeString(file, hub + "\n");
        String publicKey = lwt("keygen", "--public", file.toString()).out().strip();
        assertEquals(StaticKeys.text(StaticKeys.publicKey(StaticKeys.parse(hub))), publicKey);
        Files.writeString(file, "not a key");
        InProcess.Outcome bad = lwt("keygen", "--public", file.toString());
        assertEquals(Cli.FAILED, bad.exit());
        assertTrue(bad.err().startsWith("lwt: " + file + ": not a hub's key: "), bad.err());
    }

    @Test
    void aClientNeedsTheHubsKeyUnlessItsHubIsInTheFile() throws Exception {
        Path file = dir.resolve("client.yaml");
        Files.writeString(file, "role: client\nconnect: 192.0.2.1:9000\nkey: file:alice.key\n");
        InitCommand.writeKey(dir.resolve("alice.key"));
        InProcess.Outcome check = lwt("check", file.toString());
        assertEquals(Cli.CONFIGURATION, check.exit());
        assertEquals(file + ":1:1: hub-key: missing: the hub's public key, which it prints at its first start (lwt "
                + "keygen --public on its key file shows it; lwt init writes it)", check.err().strip());
        Files.writeString(file, "hub-key: " + StaticKeys.text(StaticKeys.publicKey(StaticKeys.generate())) + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals(0, lwt("check", file.toString()).exit());
    }

    @Test
    void aClientWithoutAKeyNeedsATransportThatAuthenticatesIt() throws Exception {
        Path file = dir.resolve("keyless.yaml");
        Files.writeString(file, "role: client\nconnect: 192.0.2.1:9000\nhub-key: "
                + StaticKeys.text(StaticKeys.publicKey(StaticKeys.generate())) + "\n");
        InProcess.Outcome check = lwt("check", file.toString());
        assertEquals(Cli.CONFIGURATION, check.exit());
        assertEquals(file + ":1:1: key: missing; only a transport that authenticates this client (tls with a client "
                + "certificate) can replace it", check.err().strip());
    }

    @Test
    void runReportsAMissingNodeChoice() throws Exception {
        lwt("init", dir.toString());
        InProcess.Outcome run = lwt("run", dir.resolve("lwt.yaml").toString());
        assertEquals(Cli.CONFIGURATION, run.exit());
        assertTrue(run.err().contains("the file defines 3 nodes (hub, alice, bob): choose one with --node"), run.err());
    }

    @Test
    void originalFlagsAreRecognised() {
        assertTrue(LegacyCommand.isLegacy(new String[] {"-m", "server"}));
        assertTrue(LegacyCommand.isLegacy(new String[] {"-c", "x.json"}));
        assertTrue(LegacyCommand.isLegacy(new String[] {"-mtu=1400"}));
        assertFalse(LegacyCommand.isLegacy(new String[] {"--version"}));
        assertFalse(LegacyCommand.isLegacy(new String[] {"run", "-m"}));
        assertEquals("lwt 0.1.0-SNAPSHOT", lwt("-v").out().strip());
        InProcess.Outcome tls = lwt("-m", "server", "-tls");
        assertEquals(Cli.CONFIGURATION, tls.exit());
        assertEquals("command line: TLS on a server needs -tls-cert and -tls-key (tls_cert_file and tls_key_file)",
                tls.err().strip());
    }

    @Test
    void originalTlsSettingsMapOntoTheTlsTransport() throws Exception {
        Path json = dir.resolve("client.json");
        Files.writeString(json, """
                {"mode": "client", "remote_addr": "192.0.2.1:9000", "tunnel_addr": "10.0.0.2/24", "tls_enabled": true}
                """);
        StringWriter err = new StringWriter();
        Topology.NodeDefinition client = LegacyCommand.definition(YamlConfig.read(json), new PrintWriter(err, true));
        assertEquals("tls", client.transports().getFirst().name());
        assertEquals("system", client.transports().getFirst().section().string("trust").orElseThrow());
        Files.writeString(json, """
                {"mode": "server", "tls_enabled": true, "tls_cert_file": "/etc/lt/server.crt", "tls_key_file": "k.pem"}
                """);
        Topology.NodeDefinition hub = LegacyCommand.definition(YamlConfig.read(json), new PrintWriter(err, true));
        assertEquals("/etc/lt/server.crt", hub.transports().getFirst().section().string("certificate").orElseThrow());
        assertEquals("k.pem", hub.transports().getFirst().section().string("private-key").orElseThrow());
        assertEquals("", err.toString(), "the original's TLS keys are all understood");
    }

    @Test
    void originalJsonConfigMapsOntoANode() throws Exception {
        Path json = dir.resolve("client.json");
        Files.writeString(json, """
                {"mode": "client", "remote_addr": "192.0.2.1:9000", "tunnel_addr": "10.0.0.2/24",
                 "mtu": 1300, "timeout": 40, "keepalive": 5, "send_queue_size": 200, "fec_data": 10, "key": "k"}
                """);
        StringWriter err = new StringWriter();
        Topology.NodeDefinition node = LegacyCommand.definition(YamlConfig.read(json), new PrintWriter(err, true));
        ClientSpec client = (ClientSpec) node.spec();
        assertEquals("192.0.2.1", client.hubs().getFirst().getAddress().getHostAddress());
        assertEquals(1300, client.mtu());
        assertEquals("10.0.0.2/24", ((io.lwt.core.ClientAuth.Legacy) client.auth()).address().toString(),
                "the original's clients speak no handshake");
        assertEquals(Duration.ofSeconds(40), client.session().timeout());
        assertEquals(Duration.ofSeconds(5), client.session().keepalive());
        assertEquals(200, client.session().sendQueue());
        assertTrue(err.toString().contains("key ignored: not supported"), err.toString());

        Path server = dir.resolve("server.json");
        Files.writeString(server, "{\"mode\": \"server\", \"local_addr\": \"0.0.0.0:9100\", \"client_isolation\": true,"
                + " \"multi_client\": false}");
        Topology.NodeDefinition hub = LegacyCommand.definition(YamlConfig.read(server), new PrintWriter(err, true));
        HubSpec spec = (HubSpec) hub.spec();
        assertEquals(9100, spec.listen().getPort());
        assertEquals(1, spec.maxClients(), "multi_client false");
        assertEquals("isolated", hub.routing().name());
        assertEquals("10.0.0.1/24", spec.tun().address().toString(), "the original's default tunnel address");
    }

    @Test
    void generatedExamplesAreReadBack() {
        Path file = dir.resolve("config.json");
        assertEquals(0, lwt("-g", file.toString()).exit());
        StringWriter err = new StringWriter();
        assertTrue(LegacyCommand.definition(YamlConfig.read(file), new PrintWriter(err)).isHub());
        Topology.NodeDefinition client = LegacyCommand.definition(YamlConfig.read(Path.of(file + ".client")),
                new PrintWriter(err));
        assertFalse(client.isHub());
        assertEquals("", err.toString());
    }

    @Test
    void keygenPrintsAFreshKey() {
        String first = lwt("keygen").out().strip();
        assertEquals(32, java.util.Base64.getDecoder().decode(first).length);
        assertFalse(first.equals(lwt("keygen").out().strip()));
    }
}
