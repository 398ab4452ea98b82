package io.lwt.e2e;

import io.lwt.testsupport.EtcdCluster;
import io.lwt.testsupport.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The hubs of one cluster and their clients, each in its own network namespace, all on one Ethernet segment: a
 * bridge in a namespace of its own (10.97.0.0/24; hub i at 10.97.0.(10+i), client j at 10.97.0.(100+j)). Each hub's
 * namespace runs a member of a three-member etcd cluster on its address ({@link EtcdCluster}), and the hubs, which
 * share a static key, register in it. Clients have no fixed address: theirs come from the pool the cluster keeps.
 * Closing it stops every process and deletes every namespace.
 */
final class ClusterNetwork implements AutoCloseable {

    private final Path dir;
    private final Path topology;
    private final Netns segment;
    private final Map<String, Netns> namespaces = new LinkedHashMap<>();
    private final Map<String, Netns.Running> nodes = new LinkedHashMap<>();
    private final List<String> hubs;
    private final List<Netns> all = new ArrayList<>();
    private EtcdCluster etcd;

    private ClusterNetwork(Path dir, Netns segment, List<String> hubs) {
        this.dir = dir;
        this.topology = dir.resolve("lwt.yaml");
        this.segment = segment;
        this.hubs = hubs;
    }

    /**
     * Creates the namespaces, starts etcd in the hubs' namespaces and writes the topology; starts no node yet.
     *
     * @param clients each client's name, with the hubs it may connect to
     * @param pool the pool's range, e.g. {@code 10.0.0.100-10.0.0.199}
     * @param hubKeys extra keys for every hub, one YAML line each (e.g. {@code routing: isolated}), or empty
     */
    static ClusterNetwork create(List<String> hubs, Map<String, List<String>> clients, String pool, String hubKeys)
            throws Exception {
        if (!Files.isExecutable(TunnelNetwork.LWT)) {
            throw new IllegalStateException("no runtime image at " + TunnelNetwork.LWT);
        }
        Path dir = Files.createTempDirectory("lwt-cluster");
        ClusterNetwork net = new ClusterNetwork(dir, Netns.create("segment"), hubs);
        net.all.add(net.segment);
        try {
            net.segment.exec("ip", "link", "add", "br0", "type", "bridge").orThrow();
            net.segment.exec("ip", "link", "set", "br0", "up").orThrow();
            List<Netns> hubNamespaces = new ArrayList<>();
            for (int i = 0; i < hubs.size(); i++) {
                hubNamespaces.add(net.join(hubs.get(i), hubAddress(i)));
            }
            int j = 0;
            for (String client : clients.keySet()) {
                net.join(client, "10.97.0." + (101 + j++));
            }
            net.etcd = EtcdCluster.startIn(hubNamespaces,
                    java.util.stream.IntStream.range(0, hubs.size()).mapToObj(ClusterNetwork::hubAddress).toList(),
                    dir.resolve("etcd"));
            net.writeTopology(clients, pool, hubKeys);
            return net;
        } catch (Exception | Error e) {
            net.close();
            throw e;
        }
    }

    private static String hubAddress(int i) {
        return "10.97.0." + (11 + i);
    }

    /** A namespace for {@code node} on the segment, with {@code address}/24. */
    private Netns join(String node, String address) {
        Netns ns = Netns.create(node.length() > 6 ? node.substring(0, 6) : node);
        all.add(ns);
        namespaces.put(node, ns);
        String port = "p" + namespaces.size();
        segment.exec("ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns.name()).orThrow();
        segment.exec("ip", "link", "set", port, "master", "br0", "up").orThrow();
        ns.exec("ip", "addr", "add", address + "/24", "dev", "eth0").orThrow();
        ns.exec("ip", "link", "set", "eth0", "up").orThrow();
        return ns;
    }

    private void writeTopology(Map<String, List<String>> clients, String pool, String hubKeys) throws Exception {
        TunnelNetwork.lwt("keygen", "--hub", "-o", dir.resolve("hub.key").toString());
        String hubKey = TunnelNetwork.lwt("keygen", "--public", dir.resolve("hub.key").toString()).strip();
        String endpoints = java.util.stream.IntStream.range(0, hubs.size())
                .mapToObj(i -> "http://" + hubAddress(i) + ":2379").collect(Collectors.joining(", ", "[", "]"));
        StringBuilder yaml = new StringBuilder("""
                defaults:
                  mtu: 1400
                  keepalive: 1s
                  timeout: 3s
                nodes:
                """);
        for (int i = 0; i < hubs.size(); i++) {
            yaml.append("""
                      %s:
                        role: hub
                        listen: %s:9000
                        address: 10.0.0.1/24
                        pool: %s
                        static-key: file:hub.key
                        cluster: {etcd: {endpoints: %s, prefix: /lwt/e2e/}}
                    """.formatted(hubs.get(i), hubAddress(i), pool, endpoints));
            if (!hubKeys.isBlank()) {
                yaml.append(hubKeys.stripTrailing().indent(4));
            }
        }
        for (Map.Entry<String, List<String>> client : clients.entrySet()) {
            Files.writeString(dir.resolve(client.getKey() + ".key"), TunnelNetwork.key());
            String connect = client.getValue().stream().map(h -> hubAddress(hubs.indexOf(h)) + ":9000")
                    .collect(Collectors.joining(", ", "[", "]"));
            yaml.append("""
                      %s:
                        role: client
                        connect: %s
                        hub-key: "%s"
                        key: file:%s.key
                    """.formatted(client.getKey(), connect, hubKey, client.getKey()));
        }
        Files.writeString(topology, yaml);
    }

    /** Starts a node and waits for its "tunnel up" line (a hub's comes before it registers; see {@link #awaitRegistered}). */
    Netns.Running start(String node) throws InterruptedException {
        Netns.Running running = startWithoutWaiting(node);
        running.awaitLine(l -> l.contains("tunnel up"), TunnelNetwork.UP, node + " tunnel up");
        return running;
    }

    Netns.Running startWithoutWaiting(String node) {
        Netns.Running running = namespaces.get(node).start(List.of("env", "--default-signal=HUP",
                TunnelNetwork.LWT.toString(), "run", topology.toString(), "--node", node, "--control",
                control(node).toString()), dir.resolve(node + ".log"));
        nodes.put(node, running);
        return running;
    }

    /** Waits until the hub logs that it registered in the cluster. */
    void awaitRegistered(String hub) throws InterruptedException {
        nodes.get(hub).awaitLine(l -> l.contains("cluster: hub " + hub + " registered"), TunnelNetwork.UP,
                hub + " registered in the cluster");
    }

    Path control(String node) {
        return dir.resolve(node + ".sock");
    }

    Netns ns(String node) {
        return namespaces.get(node);
    }

    Netns.Running node(String node) {
        return nodes.get(node);
    }

    EtcdCluster etcd() {
        return etcd;
    }

    /** A client's tunnel address (IPv4), as its TUN device has it. */
    String address(String client) {
        String shown = namespaces.get(client).exec("ip", "-o", "-4", "addr", "show").orThrow().output();
        return shown.lines().filter(l -> l.contains(" inet 10.0.0.")).map(l -> l.split("\\s+")[3].split("/")[0])
                .findFirst().orElseThrow(() -> new AssertionError(client + " has no tunnel address:\n" + shown));
    }

    /** Pings a client's or hub's tunnel address from a client, a few times. */
    Netns.Result ping(String from, String address) {
        return namespaces.get(from).exec("ping", "-c", "3", "-i", "0.2", "-W", "2", address);
    }

    /** A checksummed transfer from one client to another (see {@link TunnelNetwork#assertTransfersIntact}). */
    void assertTransfersIntact(String from, String to, int size, TunnelNetwork.Midway midway) throws Exception {
        TunnelNetwork.assertTransfersIntact(namespaces.get(from), namespaces.get(to), address(to), size, dir, midway,
                this::logs);
    }

    /** A node's status as lwt status prints it. */
    String status(String node) throws Exception {
        return TunnelNetwork.lwt("status", "--socket", control(node).toString());
    }

    /** Every node's log, for failure messages. */
    String logs() {
        return TunnelNetwork.logs(nodes);
    }

    @Override
    public void close() {
        for (Netns ns : all.reversed()) {
            ns.close(); // the nodes first (their namespaces), etcd with its hubs' namespaces
        }
        if (etcd != null) {
            etcd.close();
        }
        TunnelNetwork.deleteTree(dir);
    }
}
