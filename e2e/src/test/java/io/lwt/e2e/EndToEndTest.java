package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TUN devices, kernel TCP, ping and nc between network namespaces, through the runtime image's bin/lwt. */
class EndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void clientsPingEachOtherThroughTheHub() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            net.announceClients();
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            assertTrue(net.ping("bob", "alice").ok(), net.logs());
            assertTrue(net.ping("hub", "alice").ok(), net.logs());
        }
    }

    @Test
    void transfers64MiBClientToClientIntact() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            net.announceClients();
            net.assertTransfersIntact("alice", "bob", 64 << 20);
        }
    }

    @Test
    void isolatedHubBlocksClientToClientButServesItself() throws Exception {
        TunnelNetwork.Options isolated = TunnelNetwork.Options.defaults().routing("isolated");
        try (TunnelNetwork net = TunnelNetwork.create(isolated, "alice", "bob").startAll()) {
            net.announceClients();
            assertFalse(net.ping("alice", "bob").ok(), "client to client must be blocked");
            assertTrue(net.ping("alice", "hub").ok(), net.logs());
            assertTrue(net.ping("hub", "bob").ok(), net.logs());
        }
    }

    @Test
    void clientBeyondMaxClientsIsRefusedWhileOthersKeepWorking() throws Exception {
        TunnelNetwork.Options two = TunnelNetwork.Options.defaults().maxClients(2);
        try (TunnelNetwork net = TunnelNetwork.create(two, "alice", "bob", "carol")) {
            net.start("hub");
            net.start("alice");
            net.start("bob");
            net.startWithoutWaiting("carol");
            net.node("hub").awaitLine(l -> l.contains("rejected /10.99.3.2")
                    && l.contains("no room for carol: max-clients 2 reached"), WAIT, "the refusal");
            net.node("carol").awaitLine(l -> l.contains("the hub refused this client for now: the hub is full"), WAIT,
                    "carol told why, and retrying");
            assertTrue(net.ping("alice", "hub").ok() && net.ping("bob", "hub").ok(), net.logs());
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            assertFalse(net.ping("carol", "hub").ok(), "the refused client has no tunnel");
        }
    }

    @Test
    void deadPeerIsDetectedWithinTheTimeout() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            net.announceClients();
            long start = System.nanoTime();
            net.ns("alice").exec("ip", "link", "set", "veth0", "down").orThrow(); // silence without a FIN
            String closed = net.node("hub").awaitLine(l -> l.contains("session alice") && l.contains("closed: timeout"),
                    WAIT, "timeout of alice's session");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(3 + 2)) < 0, "detected after " + took + ": " + closed);
            assertTrue(net.ping("bob", "hub").ok(), "bob is unaffected");
        }
    }

    @Test
    void killedClientsSessionIsFreed() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            net.announceClients();
            net.node("alice").process().destroyForcibly();
            net.node("hub").awaitLine(l -> l.contains("session alice") && l.contains("closed:"), Duration.ofSeconds(3 + 2),
                    "alice's session freed");
        }
    }

    @Test
    void fullSizePacketsCrossAtEveryMtu() throws Exception {
        for (int mtu : new int[] {576, 1280, 1500, 4000, 9000}) {
            try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults().mtu(mtu), "alice", "bob")
                    .startAll()) {
                net.announceClients();
                Netns.Result ping = net.ping("alice", "bob", "-M", "do", "-s", Integer.toString(mtu - 28));
                assertTrue(ping.ok(), "mtu " + mtu + ": " + ping.output() + net.logs());
                assertTrue(ping.output().contains((mtu - 28 + 8) + " bytes from"), ping.output());
            }
        }
    }

    @Test
    void sigtermStopsTheHubCleanly() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            net.announceClients();
            assertTrue(net.ns("hub").exec("ip", "link", "show", "dev", "lwt0").ok(), "the hub's device exists");
            int exit = net.node("hub").terminate(WAIT);
            assertEquals(0, exit, net.node("hub").log());
            assertTrue(net.node("hub").log().contains("stopped"), net.node("hub").log());
            assertFalse(net.ns("hub").exec("ip", "link", "show", "dev", "lwt0").ok(), "the hub's device is gone");
            net.node("alice").awaitLine(l -> l.contains("closed: closed by peer"), WAIT, "alice notices");
            assertTrue(net.node("alice").process().isAlive(), "clients keep trying to reconnect");
        }
    }

    @Test
    void startUpErrorsAreOneClearLine(@TempDir Path dir) throws Exception {
        try (Netns ns = Netns.create("err")) {
            Path file = dir.resolve("lo.yaml");
            Files.writeString(file, "role: hub\nlisten: 127.0.0.1:9000\naddress: 10.0.0.1/24\ndevice: lo\ninsecure: true\n");
            Netns.Result run = ns.exec(TunnelNetwork.LWT.toString(), "run", file.toString());
            assertEquals(1, run.exitCode());
            assertEquals("lwt: cannot create TUN device lo: the name is in use by a device that is not a TUN device",
                    run.output().strip());
        }
    }

    @Test
    void demoPrintsRttAndThroughput() throws Exception {
        Process demo = new ProcessBuilder(TunnelNetwork.LWT.toString(), "demo", "--seconds", "1")
                .redirectErrorStream(true).start();
        String output;
        try (InputStream in = demo.getInputStream()) {
            output = new String(in.readAllBytes());
        }
        assertTrue(demo.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, demo.exitValue(), output);
        assertTrue(output.matches("(?s).*rtt min/avg/max [\\d.]+/[\\d.]+/[\\d.]+ ms.*"), output);
        assertTrue(output.matches("(?s).*through the hub: \\d+ Mbit/s.*tunnel/raw = [\\d.]+.*"), output);
        System.out.println(output);
    }

    /**
     * A client with a wrong key gets no answer at all: the hub names the cause in one line per attempt, the client says
     * the hub closed the handshake and keeps trying (nothing a stranger could forge stops it for good), and the
     * sessions of others go on.
     */
    @Test
    void aWrongKeyGetsNoAnswerAndOneLineOnEachSide() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob", "eve")) {
            net.start("hub");
            net.start("alice");
            net.start("bob");
            Path impostor = net.directory().resolve("eve.yaml");
            Files.writeString(impostor, "name: eve\nrole: client\nconnect: 10.99.3.1:9000\nidentity: alice\n"
                    + "key: file:forged.key\nhub-key: " + net.hubKey() + "\n");
            Files.writeString(net.directory().resolve("forged.key"), TunnelNetwork.key());
            Netns.Running eve = net.startWithoutWaiting("eve", impostor);
            net.node("hub").awaitLine(l -> l.contains("session /10.99.3.2:") && l.contains("closed: protocol error: initiation: "
                    + "from a static key that is no client's (unknown client or wrong key)"), WAIT, "the hub's line");
            eve.awaitLine(l -> l.contains("closed by peer during the handshake"), WAIT, "eve's line");
            eve.awaitLine(l -> l.contains("reconnecting in"), WAIT, "eve tries again");
            assertTrue(eve.process().isAlive(), "no answer is no reason to stop: " + eve.log());
            assertFalse(eve.log().contains("tunnel up"), eve.log());
            assertTrue(net.ping("alice", "bob").ok(), "alice keeps her session and address: " + net.logs());
        }
    }

    @Test
    void aSubnetBehindAClientIsReachableFromOthers() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().route("alice", "192.168.50.0/24");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob").startAll()) {
            net.ns("alice").exec("ip", "addr", "add", "192.168.50.1/24", "dev", "lo").orThrow(); // the network behind alice
            String routes = net.ns("bob").exec("ip", "-4", "route", "show", "dev", "lwt0").output();
            assertTrue(routes.contains("192.168.50.0/24"), "the hub pushed alice's subnet to bob: " + routes);
            Netns.Result ping = net.ns("bob").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "192.168.50.1");
            assertTrue(ping.ok(), ping.output() + net.logs());
        }
    }

    @Test
    void poolAddressesSurviveAHubRestart() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults().withPool(), "alice", "bob").startAll()) {
            String alice = address(net, "alice");
            String bob = address(net, "bob");
            assertTrue(alice.startsWith("10.0.0.1") && !alice.equals(bob), alice + " " + bob);
            assertTrue(net.ns("alice").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", bob).ok(), net.logs());
            net.node("alice").terminate(WAIT);
            assertEquals(0, net.node("hub").terminate(WAIT));
            net.start("hub");
            // bob comes back first: without the state file he would now get the pool's first address, alice's
            net.node("bob").awaitLines(l -> l.contains("tunnel up"), 2, WAIT, "bob back");
            net.start("alice");
            assertEquals(bob, address(net, "bob"), "bob keeps his address");
            assertEquals(alice, address(net, "alice"), "alice gets hers back after the hub restarted");
        }
    }

    /** The IPv4 address the hub assigned to a client's TUN device. */
    private static String address(TunnelNetwork net, String client) {
        String line = net.ns(client).exec("ip", "-o", "-4", "addr", "show", "dev", "lwt0").orThrow().output();
        return line.replaceAll("(?s).*inet ([0-9.]+)/.*", "$1");
    }

    @Test
    void theOriginalProgramsFlagsRunALegacyTunnel() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob")) {
            Netns.Running hub = net.ns("hub").start(List.of(TunnelNetwork.LWT.toString(), "-m", "server", "-l",
                    "0.0.0.0:9000", "-t", "10.0.0.1/24", "-mtu", "1400"), net.directory().resolve("legacy-hub.log"));
            hub.awaitLine(l -> l.contains("tunnel up"), WAIT, "legacy hub up");
            assertTrue(hub.log().contains("legacy: anyone who reaches the hub can join"), "the start-up log says so");
            Netns.Running alice = net.ns("alice").start(List.of(TunnelNetwork.LWT.toString(), "-m", "client", "-r",
                    "10.99.1.1:9000", "-t", "10.0.0.2/24"), net.directory().resolve("legacy-alice.log"));
            Netns.Running bob = net.ns("bob").start(List.of(TunnelNetwork.LWT.toString(), "-m", "client", "-r",
                    "10.99.2.1:9000", "-t", "10.0.0.3/24"), net.directory().resolve("legacy-bob.log"));
            alice.awaitLine(l -> l.contains("tunnel up"), WAIT, "legacy alice up");
            bob.awaitLine(l -> l.contains("tunnel up"), WAIT, "legacy bob up");
            assertTrue(net.ns("alice").exec("ping", "-c", "2", "-W", "2", "10.0.0.1").ok(), hub.log());
            assertTrue(net.ns("bob").exec("ping", "-c", "2", "-W", "2", "10.0.0.1").ok(), hub.log());
            Netns.Result ping = net.ns("alice").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "10.0.0.3");
            assertTrue(ping.ok(), ping.output() + hub.log());
        }
    }

    /**
     * An unauthenticated legacy client may not claim the hub's own address (it would get the hub's traffic), and once
     * it has claimed one of its own it may send from no other.
     */
    @Test
    void aLegacyClientClaimsNeitherTheHubsAddressNorASecondSource() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "mallory")) {
            Netns.Running hub = net.ns("hub").start(List.of(TunnelNetwork.LWT.toString(), "-m", "server", "-l",
                    "0.0.0.0:9000", "-t", "10.0.0.1/24", "-mtu", "1400"), net.directory().resolve("legacy-hub.log"));
            hub.awaitLine(l -> l.contains("tunnel up"), WAIT, "legacy hub up");
            Netns.Running alice = net.ns("alice").start(List.of(TunnelNetwork.LWT.toString(), "-m", "client", "-r",
                    "10.99.1.1:9000", "-t", "10.0.0.2/24"), net.directory().resolve("legacy-alice.log"));
            Netns.Running mallory = net.ns("mallory").start(List.of(TunnelNetwork.LWT.toString(), "-m", "client", "-r",
                    "10.99.2.1:9000", "-t", "10.0.0.1/24"), net.directory().resolve("legacy-mallory.log"));
            alice.awaitLine(l -> l.contains("tunnel up"), WAIT, "legacy alice up");
            mallory.awaitLine(l -> l.contains("tunnel up"), WAIT, "legacy mallory up");
            assertTrue(net.ns("alice").exec("ping", "-c", "1", "-W", "2", "10.0.0.1").ok(), hub.log()); // alice: 10.0.0.2

            assertFalse(net.ns("mallory").exec("ping", "-c", "2", "-i", "0.2", "-W", "1", "10.0.0.2").ok(),
                    "mallory's packets from the hub's address go nowhere");
            hub.awaitLine(l -> l.contains("dropped packet (address-refused)") && l.contains("the hub's own address"),
                    WAIT, "the claim of the hub's address refused");
            long malloryReceived = rxPackets(net.ns("mallory"));
            assertTrue(net.ns("alice").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "10.0.0.1").ok(), hub.log());
            assertEquals(malloryReceived, rxPackets(net.ns("mallory")), "the hub's traffic did not go to mallory");

            net.ns("mallory").exec("ip", "addr", "add", "10.0.0.5/24", "dev", "lwt0").orThrow();
            assertTrue(net.ns("mallory").exec("ping", "-c", "1", "-W", "2", "-I", "10.0.0.5", "10.0.0.2").ok(),
                    "a client's address of the network is learned: " + hub.log());
            net.ns("mallory").exec("ip", "addr", "add", "10.0.0.9/24", "dev", "lwt0").orThrow();
            assertFalse(net.ns("mallory").exec("ping", "-c", "2", "-i", "0.2", "-W", "1", "-I", "10.0.0.9", "10.0.0.2")
                    .ok(), "a second source is not");
            hub.awaitLine(l -> l.contains("dropped packet (spoofed-source)") && l.contains("10.0.0.9"), WAIT,
                    "the second source dropped and counted");
        }
    }

    /** Packets a legacy client's TUN device got from the tunnel. */
    private static long rxPackets(Netns ns) {
        return Long.parseLong(ns.exec("cat", "/sys/class/net/lwt0/statistics/rx_packets").orThrow().output().strip());
    }

    @Test
    void aThirdPartyPluginDroppedIntoTheImageIsUsedFromYaml() throws Exception {
        Path example = Path.of("../examples/port-filter").toAbsolutePath().normalize();
        Process build = new ProcessBuilder("mvn", "-q", "-B", "-o", "-f", example.resolve("pom.xml").toString(), "package")
                .redirectErrorStream(true).start();
        String buildOutput = new String(build.getInputStream().readAllBytes());
        assertTrue(build.waitFor(300, TimeUnit.SECONDS) && build.exitValue() == 0, "example plugin builds:\n" + buildOutput);
        Path plugins = TunnelNetwork.LWT.getParent().resolveSibling("plugins");
        Files.createDirectories(plugins);
        Path jar = plugins.resolve("lwt-port-filter.jar");
        Files.copy(example.resolve("target/lwt-port-filter-1.0.0.jar"), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            Process list = new ProcessBuilder(TunnelNetwork.LWT.toString(), "plugins").redirectErrorStream(true).start();
            String listed = new String(list.getInputStream().readAllBytes());
            assertTrue(listed.matches("(?s).*routing\\s+port-filter\\s+io.lwt.examples.portfilter@1.0.0\\s+" + jar + ".*"), listed);

            TunnelNetwork.Options filtered = TunnelNetwork.Options.defaults().routing("{port-filter: {allow: [icmp]}}");
            try (TunnelNetwork net = TunnelNetwork.create(filtered, "alice", "bob").startAll()) {
                assertTrue(net.ping("alice", "bob").ok(), "icmp is on the allow-list: " + net.logs());
                net.ns("bob").start(List.of("nc", "-l", "10.0.0.3", "5001"), net.directory().resolve("nc.log"));
                net.awaitListening("bob", 5001);
                assertFalse(net.ns("alice").exec("nc", "-z", "-w", "2", "10.0.0.3", "5001").ok(), "tcp/5001 is not");
            }
        } finally {
            Files.delete(jar);
        }
    }

    @Test
    void aClientRunsAsAnUnprivilegedUserWithOnlyCapNetAdmin() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob")) {
            net.start("hub");
            net.start("bob");
            // This machine's /dev/net/tun is mode 0600 (root only). A private mount namespace lends alice's process a
            // 0666 node for the same device, as a udev rule would on a real host; nothing outside it changes.
            Path device = net.directory().resolve("tun");
            net.ns("hub").exec("mknod", "-m", "666", device.toString(), "c", "10", "200").orThrow();
            String unprivileged = lendDeviceAndImage(net, device) + " && exec setpriv --reuid=65534 --regid=65534"
                    + " --clear-groups --inh-caps=+net_admin --ambient-caps=+net_admin --bounding-set=-all,+net_admin "
                    + imageSeenByNobody(net) + " run " + net.directory().resolve("lwt.yaml") + " --node alice";
            Netns.Running alice = net.ns("alice").start(List.of("unshare", "-m", "sh", "-c", unprivileged),
                    net.directory().resolve("alice.log"));
            alice.awaitLine(l -> l.contains("tunnel up"), WAIT, "unprivileged alice up");
            List<String> status = Files.readAllLines(Path.of("/proc/" + alice.pid() + "/status"));
            assertTrue(status.stream().anyMatch(l -> l.matches("Uid:\\s+65534\\s+65534\\s+65534\\s+65534")), status.toString());
            assertTrue(status.contains("CapEff:\t0000000000001000"), "CAP_NET_ADMIN only: " + status);
            Netns.Result ping = net.ns("alice").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "10.0.0.3");
            assertTrue(ping.ok(), ping.output() + alice.log());
        }
    }

    @Test
    void aClientRunsWithoutAnyCapabilityOnAPersistentDeviceItsUserOwns() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob")) {
            net.start("hub");
            net.start("bob");
            // what an administrator does once: a persistent TUN device for user nobody, configured
            net.ns("alice").exec("ip", "tuntap", "add", "dev", "lwtp0", "mode", "tun", "user", "65534").orThrow();
            net.ns("alice").exec("ip", "addr", "add", "10.0.0.2/24", "dev", "lwtp0").orThrow();
            net.ns("alice").exec("ip", "link", "set", "lwtp0", "mtu", "1400", "up").orThrow();
            Path device = net.directory().resolve("tun");
            net.ns("hub").exec("mknod", "-m", "666", device.toString(), "c", "10", "200").orThrow();
            Path file = net.directory().resolve("alice-persistent.yaml");
            Files.writeString(file, """
                    name: alice
                    role: client
                    connect: 10.99.1.1:9000
                    key: file:alice.key
                    hub-key: %s
                    device: lwtp0
                    tun: {linux: {configure: false}}
                    keepalive: 1s
                    timeout: 3s
                    """.formatted(net.hubKey()));
            String noCapabilities = lendDeviceAndImage(net, device) + " && exec setpriv --reuid=65534 --regid=65534"
                    + " --clear-groups --inh-caps=-all --bounding-set=-all " + imageSeenByNobody(net) + " run " + file;
            Netns.Running alice = net.ns("alice").start(List.of("unshare", "-m", "sh", "-c", noCapabilities),
                    net.directory().resolve("alice.log"));
            alice.awaitLine(l -> l.contains("tunnel up"), WAIT, "alice up without capabilities");
            List<String> status = Files.readAllLines(Path.of("/proc/" + alice.pid() + "/status"));
            assertTrue(status.contains("CapEff:\t0000000000000000") && status.contains("CapBnd:\t0000000000000000"),
                    "no capability at all: " + status);
            Netns.Result ping = net.ns("alice").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "10.0.0.3");
            assertTrue(ping.ok(), ping.output() + alice.log());
        }
    }

    @Test
    void statusShowsBothClientsWithTheirCounters() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            String json = TunnelNetwork.lwt("status", "--json", "--socket", net.control("hub").toString());
            for (String client : List.of("alice", "bob")) {
                assertTrue(json.matches("(?s).*\\{\"identity\":\"" + client + "\",\"address\":\"" + net.address(client)
                        + "\",[^}]*\"rxPackets\":[1-9][0-9]*,\"rxBytes\":[1-9][0-9]*,\"txPackets\":[1-9].*"), json);
            }
            // the first keepalive probes go out within a second of the handshake
            awaitLwt(j -> j.matches("(?s)(.*\"rttMs\":[0-9.]+[,}]){2}.*"), "round-trip times of both clients",
                    "status", "--json", "--socket", net.control("hub").toString());
            String text = awaitLwt(t -> t.matches("(?s).* [0-9.]+ ms +AES-256-GCM .*"), "alice's round-trip time to the hub",
                    "status", "--socket", net.control("alice").toString());
            assertTrue(text.startsWith("alice (client)") && text.contains("10.0.0.2") && text.contains("IDENTITY")
                    && text.contains("RX RATE") && text.contains("QUEUED") && text.contains("RTT")
                    && text.contains("CIPHER") && text.contains("REKEYS"), text);

            Process kick = new ProcessBuilder(TunnelNetwork.LWT.toString(), "kick", "alice", "--socket",
                    net.control("hub").toString()).redirectErrorStream(true).start();
            String kicked = new String(kick.getInputStream().readAllBytes()).strip();
            assertTrue(kick.waitFor(30, TimeUnit.SECONDS) && kick.exitValue() == 0, kicked);
            assertEquals("kicked 1 session(s) of alice", kicked);
            net.node("hub").awaitLine(
                    l -> l.matches("\\S+Z INFO  \\[hub\\] \\[alice\\] session .*alice.* closed: kicked by the operator"), WAIT,
                    "the kick, logged with the node and session columns");
        }
    }

    /** Runs lwt until its output meets the condition: for figures that appear a moment after the tunnel is up. */
    private static String awaitLwt(java.util.function.Predicate<String> condition, String what, String... args)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String output = TunnelNetwork.lwt(args);
        while (!condition.test(output)) {
            assertTrue(System.nanoTime() < deadline, what + ": " + output);
            output = TunnelNetwork.lwt(args);
        }
        return output;
    }

    @Test
    void aReloadDropsOnlyTheRemovedClientWhileATransferGoesOnAndABadFileChangesNothing() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob", "carol").startAll()) {
            var transfer = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    net.assertTransfersIntact("alice", "bob", 256 << 20);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Path received = net.directory().resolve("received.bin");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Files.exists(received) || Files.size(received) == 0) {
                assertTrue(System.nanoTime() < deadline && !transfer.isDone(), "the transfer started: " + net.logs());
                Thread.sleep(5);
            }
            net.editTopology(yaml -> yaml.replaceAll("(?s)\n  carol:.*", "\n"));
            String report = TunnelNetwork.lwt("reload", "--socket", net.control("hub").toString());
            assertTrue(report.contains("clients removed (disconnected): carol"), report);
            transfer.get(120, TimeUnit.SECONDS); // checksummed: not one byte lost or changed by the reload
            // carol comes back and gets no answer: her key is no client's any more
            net.node("hub").awaitLine(l -> l.contains("initiation: from a static key that is no client's"), WAIT,
                    "carol is out");
            assertTrue(net.ping("alice", "bob").ok(), net.logs());

            net.editTopology(yaml -> yaml + "  broken: {role: nobody}\n");
            Process bad = new ProcessBuilder(TunnelNetwork.LWT.toString(), "reload", "--socket", net.control("hub").toString())
                    .redirectErrorStream(true).start();
            String refusal = new String(bad.getInputStream().readAllBytes()).strip();
            assertTrue(bad.waitFor(30, TimeUnit.SECONDS) && bad.exitValue() == 1, refusal);
            assertTrue(refusal.matches("lwt: .*lwt.yaml:\\d+:\\d+: .*role: expected hub or client.*\\(nothing changed\\)"), refusal);
            assertTrue(net.ping("alice", "bob").ok(), "everything still runs: " + net.logs());

            // SIGHUP does the same: a client added to the file can join
            net.editTopology(yaml -> yaml.replace("  broken: {role: nobody}\n", ""));
            assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(net.node("hub").pid())).start().waitFor());
            try {
                net.node("hub").awaitLine(l -> l.contains("reloaded ") && l.contains("nothing to apply"), WAIT, "the SIGHUP reload");
            } catch (AssertionError e) { // seen once in CI, not reproduced: what the hub's threads were doing
                throw new AssertionError(e.getMessage() + "\nthe hub's threads:\n" + threadDump(net.node("hub").pid()), e);
            }
        }
    }

    @Test
    void aHubStartedWithSighupIgnoredSaysItCannotReloadOnIt() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults())) {
            // as nohup leaves it: the JVM then keeps SIGHUP ignored and installs no handler
            Netns.Running hub = net.ns("hub").start(List.of("sh", "-c", "trap '' HUP; exec \"$0\" \"$@\"",
                    TunnelNetwork.LWT.toString(), "run", net.directory().resolve("lwt.yaml").toString(), "--node", "hub"),
                    net.directory().resolve("hub.log"));
            hub.awaitLine(l -> l.contains("SIGHUP is ignored by this process (started by nohup?)"), WAIT, "the warning");
        }
    }

    private static String threadDump(long pid) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor(30, TimeUnit.SECONDS);
        return dump;
    }

    private static final String ALICE_RX_PACKETS = "lwt_rx_packets_total{node=\"hub\",peer=\"alice\"}";

    @Test
    void superSegmentsCrossWholeBetweenOffloadingNodesAndAreCutForADeviceWithout() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults()
                .nodeKeys("tun: {linux: {offload: false}}", "tun: {linux: {offload: OFFLOAD-%s}}");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob", "carol")) {
            net.editTopology(yaml -> yaml.replace("OFFLOAD-alice", "true").replace("OFFLOAD-bob", "false")
                    .replace("OFFLOAD-carol", "true"));
            net.startAll();
            net.assertTransfersIntact("alice", "carol", 32 << 20); // offloads at both ends: super-segments whole
            net.assertTransfersIntact("alice", "bob", 32 << 20); // cut by bob's node, whose device has none
            net.assertTransfersIntact("alice", "hub", 16 << 20); // cut by the hub, whose device has none
            net.assertTransfersIntact("bob", "alice", 16 << 20); // plain packets, an empty header added for alice
            String metrics = net.hubMetrics();
            double fromAlice = averagePacket(metrics, "alice");
            double fromBob = averagePacket(metrics, "bob");
            System.out.printf("average packet from alice (offloads) %.0f bytes, from bob (none) %.0f bytes%n", fromAlice,
                    fromBob);
            assertTrue(fromAlice > 1400, "alice's TCP crossed as super-segments, longer than the mtu: " + fromAlice);
            assertTrue(fromBob <= 1400, "bob's device has no offloads: " + fromBob);
        }
    }

    private static double averagePacket(String metrics, String peer) {
        String labels = "{node=\"hub\",peer=\"" + peer + "\"}";
        return (double) TunnelNetwork.counter(metrics, "lwt_rx_bytes_total" + labels)
                / TunnelNetwork.counter(metrics, "lwt_rx_packets_total" + labels);
    }

    @Test
    void metricsParseAndCountersIncrease() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            long before = TunnelNetwork.counter(net.hubMetrics(), ALICE_RX_PACKETS);
            assertTrue(net.ping("alice", "bob").ok());
            String metrics = net.hubMetrics();
            assertTrue(TunnelNetwork.counter(metrics, ALICE_RX_PACKETS) >= before + 2, before + " then:\n" + metrics);
            for (String line : metrics.lines().toList()) {
                assertTrue(line.startsWith("# HELP lwt_") || line.startsWith("# TYPE lwt_")
                        || line.matches("lwt_[a-z_]+\\{node=\"hub\"(,[a-z]+=\"[^\"]*\")*\\} [0-9]+(\\.[0-9]+)?(E-?[0-9]+)?"),
                        "not Prometheus text: " + line);
            }
            assertTrue(metrics.contains("lwt_sessions{node=\"hub\"} 2"), metrics);
        }
    }

    /**
     * Shell commands for a private mount namespace: a 0666 node for the TUN device over /dev/net/tun, and the runtime
     * image bind-mounted into the network's directory, so user nobody reaches it whatever the permissions of the
     * checkout's parent directories (a clone under a 0700 temporary directory, say). Also opens that directory to
     * nobody: it holds only this test's topology and throwaway keys.
     */
    private static String lendDeviceAndImage(TunnelNetwork net, Path device) throws Exception {
        Files.createDirectories(net.directory().resolve("image"));
        net.ns("hub").exec("chmod", "-R", "a+rX", net.directory().toString()).orThrow();
        return "mount --bind " + device + " /dev/net/tun && mount --bind " + TunnelNetwork.LWT.getParent().getParent()
                + " " + net.directory().resolve("image");
    }

    private static Path imageSeenByNobody(TunnelNetwork net) {
        return net.directory().resolve("image/bin/lwt");
    }

    @Test
    void spoofedSourceAddressesAreDropped() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            net.ns("alice").exec("ip", "addr", "add", "10.0.0.50/24", "dev", "lwt0").orThrow();
            assertFalse(net.ping("alice", "bob", "-I", "10.0.0.50").ok(), "a forged source must not get through");
            net.node("hub").awaitLine(l -> l.contains("dropped packet (spoofed-source)") && l.contains("10.0.0.50"),
                    WAIT, "the drop, logged");
            assertTrue(net.ping("alice", "bob").ok(), "her own address still works");
        }
    }

    @Test
    void clientsComeBackByThemselvesAfterAHubRestart() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            assertEquals(0, net.node("hub").terminate(WAIT));
            long restart = System.nanoTime();
            net.start("hub");
            for (String client : List.of("alice", "bob")) {
                net.node(client).awaitLines(l -> l.contains("tunnel up"), 2, WAIT, client + " back");
            }
            System.out.printf("clients back %d ms after the hub restarted%n",
                    Duration.ofNanos(System.nanoTime() - restart).toMillis());
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            assertTrue(net.ns("alice").exec("ip", "-o", "addr", "show", "dev", "lwt0").output().contains("10.0.0.2/24"),
                    "the same address, on the same device");
        }
    }

    @Test
    void frozenClientIsDroppedAndComesBackWhenThawed() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            long pid = net.node("alice").pid();
            net.ns("hub").exec("kill", "-STOP", Long.toString(pid)).orThrow();
            try {
                net.node("hub").awaitLine(l -> l.contains("session alice") && l.contains("closed: timeout"),
                        Duration.ofSeconds(3 + 2), "the frozen client dropped within the timeout");
            } finally {
                net.ns("hub").exec("kill", "-CONT", Long.toString(pid)).orThrow();
            }
            net.node("hub").awaitLines(l -> l.contains("session alice") && l.contains("authenticated"), 2, WAIT, "alice back");
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
        }
    }

    @Test
    void aThousandSilentConnectionsDoNotKeepAClientOut() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "mallory", "bob")) {
            Netns.Running hub = net.start("hub");
            long before = residentKiB(hub.pid());
            // 1,000 connections from one host that never send a byte, held for 10 s (bounded; then bash exits)
            Netns.Running flood = net.ns("mallory").start(List.of("bash", "-c",
                    "ulimit -n 4096; for i in $(seq 1000); do exec {fd}<>/dev/tcp/10.99.1.1/9000 || true; done; sleep 10"),
                    net.directory().resolve("flood.log"));
            hub.awaitLine(l -> l.contains("refused connection from /10.99.1.2")
                    && l.contains("8 connections from this address are still in the handshake"), WAIT,
                    "the address's share of the places in the handshake at work");
            net.start("bob");
            assertTrue(net.ping("bob", "hub").ok(), "bob joined during the flood: " + net.logs());
            assertTrue(flood.process().waitFor(60, TimeUnit.SECONDS), "the flood ends by itself");
            long after = residentKiB(hub.pid());
            System.out.printf("hub RSS %d KiB before the flood, %d KiB after%n", before, after);
            assertTrue(after - before < 64 * 1024, "hub memory stayed bounded: " + before + " -> " + after + " KiB");
            assertTrue(net.ping("bob", "hub").ok());
        }
    }

    private static long residentKiB(long pid) throws Exception {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong)
                .findFirst().orElseThrow();
    }
}
