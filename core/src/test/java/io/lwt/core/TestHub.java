package io.lwt.core;

import io.lwt.api.Config;
import io.lwt.api.IpPrefix;
import io.lwt.api.codec.Codec;
import io.lwt.api.transport.Transport;
import io.lwt.api.tun.TunOptions;
import io.lwt.codec.lengthprefix.LengthPrefixCodecProvider;
import io.lwt.routing.hub.HubRoutingProvider;
import io.lwt.testsupport.MemoryTun;
import io.lwt.transport.tcp.TcpTransportProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A secure hub with the real codec and hub routing and an in-memory TUN, on loopback TCP or a transport given,
 * knowing clients {@code c1..cN}: client {@code i} has the key {@link #key(int)} and the fixed address {@link #address(int)}
 * (10.1.0.{@code i+1}; the hub is 10.1.0.1/16). For the fuzz, churn and load tests.
 */
final class TestHub implements AutoCloseable {

    static final int MTU = 1400;
    /** The hub's tunnel address, 10.1.0.1. */
    static final int HUB_ADDRESS = 0x0a010001;
    private static final Config.Location HERE = Config.Location.of("test");
    /** The hub's static private key, the same in every run; {@link #HUB_KEY} is its public key, which clients pin. */
    private static final byte[] HUB_PRIVATE = key(0);
    static final byte[] HUB_KEY = StaticKeys.publicKey(HUB_PRIVATE);
    private static final AtomicInteger DEVICES = new AtomicInteger();

    /** What the hub listens with, and its clients dial with unless told otherwise. */
    final List<Transport> transports;
    final Codec codec = new LengthPrefixCodecProvider().create(Config.empty("codec.length-prefix", HERE));
    final HubNode node;
    final MemoryTun.Device device;
    private final MemoryTun tun = new MemoryTun();

    private TestHub(String name, int clients, SessionSettings session, List<Transport> transports,
            HubAccess.AddressPool pool, ClusterSettings cluster) throws IOException {
        this.transports = transports;
        Map<String, HubAccess.ClientEntry> entries = new HashMap<>();
        for (int i = 1; i <= clients; i++) {
            entries.put(name(i), new HubAccess.ClientEntry(name(i), key(i), pool == null ? inet(address(i)) : null));
        }
        // many connections a second from 127.0.0.1 are the point of these tests, not an attack to limit
        // a clustered hub keeps its pool in the cluster's store: the state file is never read or written
        java.nio.file.Path state = pool == null ? null : java.nio.file.Path.of("unused-" + name + "-pool.state");
        HubAccess.Secure access = new HubAccess.Secure(HUB_PRIVATE, entries, pool, state, Duration.ofSeconds(5),
                Math.max(HubAccess.Secure.DEFAULT_MAX_HANDSHAKES, clients), 1_000_000, List.of());
        HubSpec spec = new HubSpec(name, new TunOptions(deviceName(), IpPrefix.parse("10.1.0.1/16"), MTU),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), clients + 8, session, access);
        this.node = HubNode.start(spec, tun, transports, codec,
                new HubRoutingProvider().create(Config.empty("routing.hub", HERE)), cluster);
        this.device = MemoryTun.device(node.deviceName());
    }

    /** Starts a hub that knows clients {@code c1..c<clients>}. */
    static TestHub start(int clients, SessionSettings session) throws IOException {
        return start(clients, session, new TcpTransportProvider().create(Config.empty("transport.tcp", HERE)));
    }

    /** Starts a hub on {@code transport}, which its clients dial too. */
    static TestHub start(int clients, SessionSettings session, Transport transport) throws IOException {
        return start(clients, session, List.of(transport));
    }

    /** Starts a hub listening with every one of {@code transports} (the first one on loopback port 0). */
    static TestHub start(int clients, SessionSettings session, List<Transport> transports) throws IOException {
        return new TestHub("hub", clients, session, transports, null, null);
    }

    /**
     * Starts hub {@code name} of a cluster on loopback TCP: its clients have no fixed address but one from {@code pool}
     * (e.g. {@code 10.1.0.100-10.1.0.101}), which the cluster's store keeps.
     */
    static TestHub clustered(String name, int clients, SessionSettings session, String pool, ClusterSettings cluster)
            throws IOException {
        return new TestHub(name, clients, session,
                List.of(new TcpTransportProvider().create(Config.empty("transport.tcp", HERE))),
                HubAccess.AddressPool.parse(pool), cluster);
    }

    static String name(int client) {
        return "c" + client;
    }

    static byte[] key(int client) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (client * 31 + i);
        }
        return key;
    }

    /** Client {@code i}'s tunnel address as a big-endian int: 10.1.0.0 + i + 1. */
    static java.net.InetAddress inet(int address) {
        try {
            return java.net.InetAddress.getByAddress(java.nio.ByteBuffer.allocate(4).putInt(address).array());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static int address(int client) {
        return HUB_ADDRESS + client;
    }

    InetSocketAddress address() {
        return node.listenAddress();
    }

    /** Starts the real client node {@code c<client>}, with an in-memory TUN device of its own. */
    ClientNode client(int client, SessionSettings session) throws IOException {
        return client(client, session, transports);
    }

    /** The same, dialing with {@code preferred} in order. */
    ClientNode client(int client, SessionSettings session, List<Transport> preferred) throws IOException {
        return client(client, session, preferred, List.of(address()));
    }

    /**
     * The same, with any of {@code hubs} to connect to: test hubs all have the same key, and each gives a client the
     * same fixed address, as the hubs of one network do.
     */
    ClientNode client(int client, SessionSettings session, List<Transport> preferred, List<InetSocketAddress> hubs)
            throws IOException {
        return ClientNode.start(new ClientSpec(name(client), deviceName(), MTU, hubs, session,
                new ClientAuth.Secure(name(client), key(client), HUB_KEY)), tun, preferred, codec);
    }

    private static String deviceName() {
        return "fz" + DEVICES.incrementAndGet();
    }

    /** Polls {@code condition} every millisecond until it holds; fails naming {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    /** Closes every session and the device; returns when they are closed. */
    @Override
    public void close() {
        node.close();
    }
}
