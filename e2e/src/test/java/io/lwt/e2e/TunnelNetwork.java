package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.Netns;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hub and clients, each in its own network namespace, each client on its own veth link to the hub
 * (client i: 10.99.i.2/24, hub side 10.99.i.1/24), running the runtime image's {@code bin/lwt}. Tunnel addresses:
 * hub 10.0.0.1, client i 10.0.0.(i+1); with {@link Ip#DUAL_STACK} also hub fd00::1, client i fd00::(i+1).
 * Closing it stops every process and deletes every namespace.
 */
final class TunnelNetwork implements AutoCloseable {

    static final Path LWT = Path.of("../packaging/target/maven-jlink/default/bin/lwt").toAbsolutePath().normalize();
    static final Duration UP = Duration.ofSeconds(30);

    /** What differs between the tests' networks. */
    record Options(String routing, int maxClients, int mtu, String keepalive, String timeout, Map<String, String> routes,
            boolean pooled, String hubKeys, String clientKeys, Set<String> natted) {
        static Options defaults() {
            return new Options("hub", 100, 1400, "1s", "3s", Map.of(), false, "", "", Set.of());
        }

        /**
         * Extra node keys, one YAML line each at node level (e.g. {@code codec: websocket}), for the hub and for
         * every client; {@code %s} in a client's lines stands for its name.
         */
        Options nodeKeys(String hub, String client) {
            return new Options(routing, maxClients, mtu, keepalive, timeout, routes, pooled, hub, client, natted);
        }

        /** Clients get addresses from the hub's pool 10.0.0.100-10.0.0.199 instead of fixed ones. */
        Options withPool() {
            return new Options(routing, maxClients, mtu, keepalive, timeout, routes, true, hubKeys, clientKeys, natted);
        }

        Options routing(String value) {
            return new Options(value, maxClients, mtu, keepalive, timeout, routes, pooled, hubKeys, clientKeys, natted);
        }

        Options maxClients(int value) {
            return new Options(routing, value, mtu, keepalive, timeout, routes, pooled, hubKeys, clientKeys, natted);
        }

        Options mtu(int value) {
            return new Options(routing, maxClients, value, keepalive, timeout, routes, pooled, hubKeys, clientKeys, natted);
        }

        /**
         * Puts a client behind a NAT: a router namespace of its own between it and the hub, which masquerades the
         * client's 10.98.i.2 as its own 10.99.i.254 on the hub's link ({@link #router}).
         */
        Options behindNat(String client) {
            return new Options(routing, maxClients, mtu, keepalive, timeout, routes, pooled, hubKeys, clientKeys,
                    Set.of(client));
        }

        /** A subnet behind one client, e.g. {@code 192.168.50.0/24}. */
        Options route(String client, String subnet) {
            return new Options(routing, maxClients, mtu, keepalive, timeout, Map.of(client, subnet), pooled, hubKeys,
                    clientKeys, natted);
        }
    }

    /** The IP versions inside the tunnel and on the links under it. */
    enum Ip {
        /** IPv4 inside and under the tunnel. */
        V4,
        /** IPv4 and IPv6 inside the tunnel (hub fd00::1/64, client i fd00::(i+1)); the hub listens on [::]:9000. */
        DUAL_STACK,
        /** {@link #DUAL_STACK} over IPv6-only links: client i fd99:i::2/64, hub side fd99:i::1/64. */
        DUAL_STACK_OVER_IPV6
    }

    private final Path dir;
    private final Path topology;
    private final Netns hub;
    private final Map<String, Netns> clients = new LinkedHashMap<>();
    private final Map<String, Netns> routers = new LinkedHashMap<>();
    private final Map<String, Netns.Running> nodes = new LinkedHashMap<>();
    private final List<Netns> all = new ArrayList<>();

    private TunnelNetwork(Path dir, Path topology, Netns hub) {
        this.dir = dir;
        this.topology = topology;
        this.hub = hub;
    }

    /** Creates the namespaces and links and writes the topology; starts nothing yet. */
    static TunnelNetwork create(Options options, String... clientNames) {
        return create(options, Ip.V4, clientNames);
    }

    /** The same, with the IP versions {@code ip}. */
    static TunnelNetwork create(Options options, Ip ip, String... clientNames) {
        if (!Files.isExecutable(LWT)) {
            throw new IllegalStateException("no runtime image at " + LWT + ": build the packaging module first");
        }
        try {
            Path dir = Files.createTempDirectory("lwt-e2e");
            StringBuilder yaml = new StringBuilder("""
                    defaults:
                      mtu: %d
                      keepalive: %s
                      timeout: %s
                    nodes:
                      hub:
                        role: hub
                        listen: %s
                        address: %s
                        routing: %s
                        max-clients: %d
                        pool: 10.0.0.100-10.0.0.199
                        metrics: true
                    """.formatted(options.mtu(), options.keepalive(), options.timeout(),
                    ip == Ip.V4 ? "0.0.0.0:9000" : "\"[::]:9000\"", ip == Ip.V4 ? "10.0.0.1/24" : "[10.0.0.1/24, fd00::1/64]",
                    options.routing(), options.maxClients()));
            if ("false".equals(System.getenv("LWT_E2E_OFFLOAD"))) { // the whole suite once more without TUN offloads
                yaml.insert(yaml.indexOf("nodes:"), "  tun: {linux: {offload: false}}\n");
            }
            yaml.append(indented(options.hubKeys()));
            for (int i = 1; i <= clientNames.length; i++) {
                String client = clientNames[i - 1];
                Files.writeString(dir.resolve(client + ".key"), key());
                yaml.append("""
                          %s:
                            role: client
                            connect: %s
                            key: file:%s.key
                            routes: [%s]
                        """.formatted(client, ip == Ip.DUAL_STACK_OVER_IPV6 ? "\"[fd99:%d::1]:9000\"".formatted(i)
                        : "10.99.%d.1:9000".formatted(i), client, options.routes().getOrDefault(client, "")));
                if (!options.pooled()) {
                    yaml.append(ip == Ip.V4 ? "    address: 10.0.0.%d\n".formatted(i + 1)
                            : "    address: [10.0.0.%d, fd00::%d]\n".formatted(i + 1, i + 1));
                }
                yaml.append(indented(options.clientKeys().replace("%s", client)));
            }
            Path topology = dir.resolve("lwt.yaml");
            Files.writeString(topology, yaml);
            TunnelNetwork network = new TunnelNetwork(dir, topology, Netns.create("hub"));
            network.all.add(network.hub);
            for (int i = 1; i <= clientNames.length; i++) {
                Netns client = Netns.create(clientNames[i - 1]);
                network.all.add(client);
                network.clients.put(clientNames[i - 1], client);
                if (options.natted().contains(clientNames[i - 1])) {
                    network.routers.put(clientNames[i - 1], natRouter(network.hub, client, i));
                    network.all.add(network.routers.get(clientNames[i - 1]));
                } else if (ip == Ip.DUAL_STACK_OVER_IPV6) {
                    Netns.link(network.hub, "veth" + i, "fd99:" + i + "::1/64", client, "veth0", "fd99:" + i + "::2/64");
                } else {
                    Netns.link(network.hub, "veth" + i, "10.99." + i + ".1/24", client, "veth0", "10.99." + i + ".2/24");
                }
            }
            return network;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A router namespace between the hub (its side 10.99.i.254/24) and client {@code i} (10.98.i.2/24, the router
     * 10.98.i.1), which masquerades what the client sends toward the hub, as a home router does.
     */
    private static Netns natRouter(Netns hub, Netns client, int i) {
        Netns router = Netns.create("nat" + i);
        Netns.link(hub, "veth" + i, "10.99." + i + ".1/24", router, "wan", "10.99." + i + ".254/24");
        Netns.link(router, "lan", "10.98." + i + ".1/24", client, "veth0", "10.98." + i + ".2/24");
        client.exec("ip", "route", "add", "default", "via", "10.98." + i + ".1").orThrow();
        router.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1").orThrow();
        router.exec("nft", "add table ip nat").orThrow();
        router.exec("nft", "add chain ip nat postrouting { type nat hook postrouting priority 100; }").orThrow();
        router.exec("nft", "add rule ip nat postrouting oifname wan masquerade").orThrow();
        return router;
    }

    private static String indented(String nodeKeys) {
        return nodeKeys.isBlank() ? "" : nodeKeys.stripTrailing().indent(4);
    }

    static String key() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    /**
     * Makes the clients dial {@code port} on the hub's side of their links instead of the hub's own 9000, e.g. a reverse
     * proxy in front of the hub. Call before starting the clients.
     */
    TunnelNetwork clientsConnectTo(int port) {
        try {
            Files.writeString(topology, Files.readString(topology)
                    .replaceAll("(connect: 10\\.99\\.\\d+\\.1):9000", "$1:" + port));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the hub and every client, each awaited until it logs "tunnel up". */
    TunnelNetwork startAll() throws InterruptedException {
        start("hub");
        for (String client : clients.keySet()) {
            start(client);
        }
        return this;
    }

    /** Starts one node and waits for its "tunnel up". */
    Netns.Running start(String node) throws InterruptedException {
        Netns.Running running = startWithoutWaiting(node);
        running.awaitLine(line -> line.contains("tunnel up"), UP, node + " tunnel up");
        return running;
    }

    Netns.Running startWithoutWaiting(String node) {
        return startWithoutWaiting(node, topology);
    }

    /** Starts a node from another file, e.g. a client with a key the hub does not know. */
    Netns.Running startWithoutWaiting(String node, Path file) {
        // env: SIGHUP as a service manager leaves it, also when the tests run under nohup (which ignores it)
        Netns.Running running = ns(node).start(List.of("env", "--default-signal=HUP", LWT.toString(), "run",
                file.toString(), "--node", node, "--control", control(node).toString()), dir.resolve(node + ".log"));
        nodes.put(node, running);
        return running;
    }

    /**
     * Rewrites the topology file, e.g. to fill in a placeholder with what a started hub printed; nodes started
     * later read the new text.
     */
    void editTopology(java.util.function.UnaryOperator<String> edit) throws IOException {
        Files.writeString(topology, edit.apply(Files.readString(topology)));
    }

    /** The node's control socket, for lwt status. */
    Path control(String node) {
        return dir.resolve(node + ".sock");
    }

    Netns ns(String node) {
        return node.equals("hub") ? hub : clients.get(node);
    }

    /** The NAT router in front of a client that {@link Options#behindNat} put there. */
    Netns router(String client) {
        return routers.get(client);
    }

    Netns.Running node(String node) {
        return nodes.get(node);
    }

    /** The public key of the hub's static key (made at its first start), which a client in a file of its own pins. */
    String hubKey() throws Exception {
        return lwt("keygen", "--public", directory().resolve("noise/hub.key").toString()).strip();
    }

    Path directory() {
        return dir;
    }

    /** The tunnel address of a node: 10.0.0.1 for the hub, then the clients in order. */
    String address(String node) {
        if (node.equals("hub")) {
            return "10.0.0.1";
        }
        return "10.0.0." + (new ArrayList<>(clients.keySet()).indexOf(node) + 2);
    }

    /** The IPv6 tunnel address of a node in a dual-stack network: fd00::1 for the hub, then the clients in order. */
    String address6(String node) {
        return "fd00::" + address(node).substring("10.0.0.".length());
    }

    /** Pings a node's IPv6 tunnel address. */
    Netns.Result ping6(String from, String to, String... extra) {
        List<String> command = new ArrayList<>(List.of("ping", "-6", "-c", "2", "-i", "0.2", "-W", "2"));
        command.addAll(List.of(extra));
        command.add(address6(to));
        return ns(from).exec(command.toArray(String[]::new));
    }

    /** Pings the hub once from each client, so the hub learns every client's address from its first packet. */
    void announceClients() {
        for (String client : clients.keySet()) {
            ping(client, "hub").orThrow();
        }
    }

    Netns.Result ping(String from, String to, String... extra) {
        List<String> command = new ArrayList<>(List.of("ping", "-c", "2", "-i", "0.2", "-W", "2"));
        command.addAll(List.of(extra));
        command.add(address(to));
        return ns(from).exec(command.toArray(String[]::new));
    }

    /**
     * Sends {@code size} random bytes from one node to another with nc through the tunnel, and asserts that the
     * receiver got exactly them (SHA-256 of both files).
     */
    void assertTransfersIntact(String from, String to, int size) throws Exception {
        assertTransfersIntact(from, to, address(to), size, null);
    }

    /** The same over IPv6 inside the tunnel. */
    void assertTransfersIntactOverIpv6(String from, String to, int size) throws Exception {
        assertTransfersIntact(from, to, address6(to), size, null);
    }

    /** Something a test does to the network in the middle of a transfer. */
    interface Midway {
        void run() throws Exception;
    }

    /** The same, doing {@code midway} once the receiver has a quarter of the bytes. */
    void assertTransfersIntact(String from, String to, int size, Midway midway) throws Exception {
        assertTransfersIntact(from, to, address(to), size, midway);
    }

    private void assertTransfersIntact(String from, String to, String toAddress, int size, Midway midway)
            throws Exception {
        assertTransfersIntact(ns(from), ns(to), toAddress, size, dir, midway, this::logs);
    }

    /**
     * Sends {@code size} random bytes with nc from one namespace to an address in another through the tunnel, doing
     * {@code midway} (unless null) once a quarter has arrived, and asserts that exactly those bytes arrived.
     */
    static void assertTransfersIntact(Netns fromNs, Netns toNs, String toAddress, int size, Path dir, Midway midway,
            java.util.function.Supplier<String> logs) throws Exception {
        Path sent = dir.resolve("sent.bin");
        Path received = dir.resolve("received.bin");
        byte[] data = new byte[size];
        new java.util.Random(7).nextBytes(data);
        Files.write(sent, data);
        Netns.Running receiver = toNs.start(
                List.of("sh", "-c", "nc -l " + toAddress + " 5001 > " + received), dir.resolve("nc.log"));
        awaitListening(toNs, 5001);
        if (midway == null) {
            Netns.Result send = fromNs.exec("sh", "-c", "nc -N " + toAddress + " 5001 < " + sent);
            assertEquals(0, send.exitCode(), send.output() + logs.get());
        } else {
            Netns.Running sender = fromNs.start(List.of("sh", "-c", "nc -N " + toAddress + " 5001 < " + sent),
                    dir.resolve("nc-sender.log"));
            long deadline = System.nanoTime() + UP.toNanos();
            while (!Files.exists(received) || Files.size(received) < size / 4) {
                assertTrue(System.nanoTime() < deadline && sender.process().isAlive(),
                        "a quarter of the bytes arrive\n" + sender.log() + logs.get());
                Thread.sleep(5);
            }
            midway.run();
            assertTrue(sender.process().waitFor(60, TimeUnit.SECONDS), "the sender finished\n" + logs.get());
            assertEquals(0, sender.process().exitValue(), sender.log() + logs.get());
        }
        assertTrue(receiver.process().waitFor(60, TimeUnit.SECONDS), "receiver finished");
        assertArrayEquals(sha256(sent), sha256(received), "checksums of sent and received bytes");
        Files.delete(sent);
        Files.delete(received);
    }

    /** Waits until something in the node's namespace listens on the TCP port. */
    void awaitListening(String node, int port) throws InterruptedException {
        awaitListening(ns(node), port);
    }

    private static void awaitListening(Netns ns, int port) throws InterruptedException {
        long deadline = System.nanoTime() + UP.toNanos();
        while (!ns.exec("ss", "-Hltn", "sport = :" + port).output().contains(":" + port)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing listens on port " + port + " in " + ns.name());
            }
            Thread.sleep(20);
        }
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    /** Runs a command of the image's lwt that needs no namespace (cert, status, reload) and returns its output. */
    static String lwt(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(LWT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "lwt " + String.join(" ", args) + " finished");
        assertEquals(0, process.exitValue(), "lwt " + String.join(" ", args) + ": " + output);
        return output;
    }

    /** The fingerprint a hub with {@code certificate: auto} logs at start, as clients pin it ({@code sha256:HEX}). */
    static String awaitPin(Netns.Running hub) throws InterruptedException {
        String line = hub.awaitLine(l -> l.contains("tls certificate sha256:"), UP, "the hub's fingerprint");
        Matcher pin = Pattern.compile("tls certificate (sha256:[0-9a-f]{64})").matcher(line);
        assertTrue(pin.find(), line);
        return pin.group(1);
    }

    /** The hub's Prometheus metrics (the topology serves them on 127.0.0.1:9100 in its namespace). */
    String hubMetrics() {
        return hub.exec("curl", "-sf", "http://127.0.0.1:9100/metrics").orThrow().output();
    }

    /** The value of one series in a metrics text, e.g. {@code lwt_rx_bytes_total{node="hub",peer="carol"}}. */
    static long counter(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " "))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + series + " in\n" + metrics));
    }

    /** Every node's log, for failure messages. */
    String logs() {
        return logs(nodes);
    }

    /** The logs of nodes by name, each after a line naming it. */
    static String logs(Map<String, Netns.Running> nodes) {
        StringBuilder b = new StringBuilder();
        nodes.forEach((name, running) -> b.append("--- ").append(name).append('\n').append(running.log()));
        return b.toString();
    }

    /** Stops everything, deletes the namespaces, and removes the working directory (logs, keys, transfer files). */
    @Override
    public void close() {
        for (Netns ns : all.reversed()) {
            ns.close();
        }
        deleteTree(dir);
    }

    /** Removes a test's working directory with everything in it; a failure is printed, not thrown. */
    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
