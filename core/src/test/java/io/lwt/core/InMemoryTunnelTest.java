package io.lwt.core;

import static io.lwt.testsupport.TestPackets.udp;
import static io.lwt.testsupport.TestPackets.udp6;
import static io.lwt.testsupport.TestPackets.udp6OfSize;
import static io.lwt.testsupport.TestPackets.udpOfSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.IpPackets;
import io.lwt.api.IpPrefix;
import io.lwt.api.codec.Codec;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import io.lwt.api.routing.Route;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.api.transport.Transport;
import io.lwt.api.tun.TunOptions;
import io.lwt.api.tun.VirtioNetHeader;
import io.lwt.codec.lengthprefix.LengthPrefixCodecProvider;
import io.lwt.routing.hub.HubRoutingProvider;
import io.lwt.routing.isolated.IsolatedRoutingProvider;
import io.lwt.testsupport.MemoryTun;
import io.lwt.testsupport.TestPackets;
import io.lwt.transport.tcp.TcpTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hub and clients in one JVM over loopback TCP, with the real transport, codec and routing policies and the
 * in-memory TUN driver: no root needed.
 */
class InMemoryTunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger DEVICES = new AtomicInteger();
    private static final Config.Location HERE = Config.Location.of("test");
    /** The hub's static private key; clients pin its public key, {@link #HUB_KEY}. */
    private static final byte[] HUB_PRIVATE = StaticKeys.generate();
    private static final byte[] HUB_KEY = StaticKeys.publicKey(HUB_PRIVATE);
    private static final SessionSettings FAST = new SessionSettings(Duration.ofMillis(100), Duration.ofMillis(600), 256);

    private final Transport tcp = new TcpTransportProvider().create(Config.empty("transport.tcp", HERE));
    private final Codec codec = new LengthPrefixCodecProvider().create(Config.empty("codec.length-prefix", HERE));
    private final MemoryTun tun = new MemoryTun();
    private final List<AutoCloseable> running = new ArrayList<>();

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path temporary;

    private java.nio.file.Path stateFile;

    @org.junit.jupiter.api.BeforeEach
    void state() {
        stateFile = temporary.resolve("hub.state");
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    /**
     * Clients c2..c9 with fixed addresses 10.0.0.2..9 and fd00::2..9 (used by a hub with an IPv6 address) and their
     * keys, c2 with the subnets 192.168.50.0/24 and fd00:50::/64 behind it; plus pool-only clients p1..p3.
     */
    private HubAccess.Secure secure(HubAccess.AddressPool pool) {
        java.util.Map<String, HubAccess.ClientEntry> clients = new java.util.HashMap<>();
        for (int i = 2; i <= 9; i++) {
            List<IpPrefix> behind = i == 2 ? List.of(IpPrefix.parse("192.168.50.0/24"), IpPrefix.parse("fd00:50::/64"))
                    : List.of();
            clients.put("c" + i, new HubAccess.ClientEntry("c" + i, key("c" + i), IpPrefix.parse("10.0.0." + i).address(),
                    IpPrefix.literal("fd00::" + i), behind));
        }
        for (int i = 1; i <= 3; i++) {
            clients.put("p" + i, new HubAccess.ClientEntry("p" + i, key("p" + i), null));
        }
        // m20, m21: no key; a client certificate (the transport's peer identity) must name them
        for (int i = 20; i <= 21; i++) {
            clients.put("m" + i, new HubAccess.ClientEntry("m" + i, null, IpPrefix.parse("10.0.0." + i).address()));
        }
        return new HubAccess.Secure(HUB_PRIVATE, clients, pool, pool == null ? null : stateFile, Duration.ofMillis(500), 4, 1000, List.of(IpPrefix.parse("172.20.0.0/16")));
    }

    private static byte[] key(String name) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) name.hashCode());
        return key;
    }

    /** A hub to start: by default hub routing, max-clients 10, mtu 1400, any port, {@code secure(null)}, tcp. */
    private HubBuilder hub() {
        return new HubBuilder();
    }

    private final class HubBuilder {
        private RoutingPolicy routing = hubRouting();
        private int maxClients = 10;
        private int mtu = 1400;
        private int port;
        private HubAccess access = secure(null);
        private Transport transport = tcp;
        private boolean dualStack;

        HubBuilder routing(RoutingPolicy routing) {
            this.routing = routing;
            return this;
        }

        HubBuilder maxClients(int maxClients) {
            this.maxClients = maxClients;
            return this;
        }

        HubBuilder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        HubBuilder port(int port) {
            this.port = port;
            return this;
        }

        HubBuilder access(HubAccess access) {
            this.access = access;
            return this;
        }

        HubBuilder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** The tunnel addresses 10.0.0.1/24 and fd00::1/64, instead of 10.0.0.1/24 alone. */
        HubBuilder dualStack() {
            this.dualStack = true;
            return this;
        }

        HubNode start() throws Exception {
            TunOptions options = dualStack ? new TunOptions("t" + DEVICES.incrementAndGet(), IpPrefix.parse("10.0.0.1/24"),
                    IpPrefix.parse("fd00::1/64"), mtu, List.of()) : options("10.0.0.1/24", mtu);
            HubSpec spec = new HubSpec("hub", options, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    maxClients, FAST, access);
            HubNode hub = HubNode.start(spec, tun, List.of(transport), codec, routing, null);
            running.add(hub);
            return hub;
        }
    }

    /** The client with the fixed address {@code address} (10.0.0.N is client cN), with its right key. */
    private ClientBuilder client(String address) {
        String name = "c" + address.substring(address.lastIndexOf('.') + 1);
        return client(new ClientAuth.Secure(name, key(name), HUB_KEY));
    }

    /** A client to start: mtu 1400, the shared in-memory TUN driver, tcp. */
    private ClientBuilder client(ClientAuth auth) {
        return new ClientBuilder(auth);
    }

    private final class ClientBuilder {
        private final ClientAuth auth;
        private InetSocketAddress hub;
        private int mtu = 1400;
        private MemoryTun driver = tun;

        private ClientBuilder(ClientAuth auth) {
            this.auth = auth;
        }

        ClientBuilder to(HubNode hub) {
            return to(hub.listenAddress());
        }

        ClientBuilder to(InetSocketAddress address) {
            this.hub = address;
            return this;
        }

        ClientBuilder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        ClientBuilder tun(MemoryTun driver) {
            this.driver = driver;
            return this;
        }

        ClientNode start() throws Exception {
            ClientSpec spec = new ClientSpec("client", "t" + DEVICES.incrementAndGet(), mtu, List.of(hub), FAST, auth);
            ClientNode client = ClientNode.start(spec, driver, List.of(tcp), codec);
            running.add(client);
            return client;
        }
    }

    private static TunOptions options(String address, int mtu) {
        return new TunOptions("t" + DEVICES.incrementAndGet(), IpPrefix.parse(address), mtu);
    }

    private static MemoryTun.Device device(HubNode hub) {
        return MemoryTun.device(hub.deviceName());
    }

    private static MemoryTun.Device device(ClientNode client) {
        return MemoryTun.device(client.deviceName());
    }

    private static RoutingPolicy hubRouting() {
        return new HubRoutingProvider().create(Config.empty("routing.hub", HERE));
    }

    private static RoutingPolicy isolatedRouting() {
        return new IsolatedRoutingProvider().create(Config.empty("routing.isolated", HERE));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Sends an IPv6 packet from a client to the hub, and checks it arrived. */
    private static void announce6(ClientNode client, String address, HubNode hub) throws Exception {
        byte[] hello = udp6(address, "fd00::1", address.getBytes());
        device(client).inject(hello);
        assertArrayEquals(hello, device(hub).awaitWritten(WAIT), address + " reaches the hub's TUN");
    }

    /** Sends a packet from a client to the hub so the hub learns the client's address, and checks it arrived. */
    private static void announce(ClientNode client, String address, HubNode hub) throws Exception {
        byte[] hello = udp(address, "10.0.0.1", address.getBytes());
        device(client).inject(hello);
        assertArrayEquals(hello, device(hub).awaitWritten(WAIT), address + " reaches the hub's TUN");
    }

    @Test
    void clientsReachEachOtherAndTheHub() throws Exception {
        HubNode hub = hub().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        ClientNode bob = client("10.0.0.3").to(hub).start();
        await("two sessions", () -> hub.sessionCount() == 2 && alice.isConnected() && bob.isConnected());
        announce(alice, "10.0.0.2", hub);
        announce(bob, "10.0.0.3", hub);

        byte[] toBob = udp("10.0.0.2", "10.0.0.3", "hello bob".getBytes());
        device(alice).inject(toBob);
        assertArrayEquals(toBob, device(bob).awaitWritten(WAIT));
        byte[] toAlice = udp("10.0.0.3", "10.0.0.2", "hello alice".getBytes());
        device(bob).inject(toAlice);
        assertArrayEquals(toAlice, device(alice).awaitWritten(WAIT));
        byte[] fromHub = udp("10.0.0.1", "10.0.0.3", "from the hub".getBytes());
        device(hub).inject(fromHub);
        assertArrayEquals(fromHub, device(bob).awaitWritten(WAIT));
    }

    /**
     * A third-party routing policy that answers with a peer of its own for 10.0.0.3, and throws for 10.0.0.4: the engine
     * looks routes up rather than casting them, so each such packet is dropped and counted, and forwarding goes on for
     * every other packet, from the TUN reader and from sessions alike.
     */
    @Test
    void aForeignPeerOrAFailingPolicyCostsItsPacketsOnly() throws Exception {
        Peer foreign = new Peer() {
            @Override
            public String name() {
                return "not a session";
            }

            @Override
            public Route.ToPeer route() {
                return new Route.ToPeer(this);
            }
        };
        RoutingPolicy hubRouting = hubRouting();
        RoutingPolicy buggy = new RoutingPolicy() {
            private Route decide(ByteBuffer packet, Supplier<Route> otherwise) {
                return switch (IpPackets.ipv4Destination(packet)) {
                    case 0x0a000003 -> foreign.route();
                    case 0x0a000004 -> throw new IllegalStateException("a bug in the policy");
                    default -> otherwise.get();
                };
            }

            @Override
            public Route fromPeer(Peer source, ByteBuffer packet, PeerDirectory peers) {
                return decide(packet, () -> hubRouting.fromPeer(source, packet, peers));
            }

            @Override
            public Route fromTun(ByteBuffer packet, PeerDirectory peers) {
                return decide(packet, () -> hubRouting.fromTun(packet, peers));
            }
        };
        HubNode hub = hub().routing(buggy).start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        await("alice", alice::isConnected);

        device(hub).inject(udp("10.0.0.1", "10.0.0.3", "to a foreign peer".getBytes()));
        device(hub).inject(udp("10.0.0.1", "10.0.0.4", "to a failing policy".getBytes()));
        byte[] fromHub = udp("10.0.0.1", "10.0.0.2", "still forwarded".getBytes());
        device(hub).inject(fromHub);
        assertArrayEquals(fromHub, device(alice).awaitWritten(WAIT), "the TUN reader goes on");
        device(alice).inject(udp("10.0.0.2", "10.0.0.3", "to a foreign peer".getBytes()));
        device(alice).inject(udp("10.0.0.2", "10.0.0.4", "to a failing policy".getBytes()));
        announce(alice, "10.0.0.2", hub); // alice's reader goes on too
        assertEquals(2L, hub.counters().drops().get("unknown-peer"));
        assertEquals(2L, hub.counters().drops().get("routing-error"));
        assertTrue(alice.isConnected(), "no session ends for the policy's faults");
    }

    /**
     * An idle client writes a packet from its TUN reader itself and a busy one queues it for the writer: bursts after
     * pauses mix both paths, and the packets must still leave in the order the TUN gave them.
     */
    @Test
    void aClientsPacketsKeepTheirOrderWhetherWrittenAtOnceOrQueued() throws Exception {
        HubNode hub = hub().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        await("session", () -> alice.isConnected() && hub.sessionCount() == 1);
        announce(alice, "10.0.0.2", hub);
        int sent = 0;
        for (int burst = 0; burst < 60; burst++) {
            for (int i = 0; i <= burst % 10; i++) {
                device(alice).inject(udp("10.0.0.2", "10.0.0.1", ("packet " + sent++).getBytes()));
            }
            Thread.sleep(Link.IDLE.toMillis() + 1); // not a wait for anything: a gap, so the next burst starts idle
        }
        for (int i = 0; i < sent; i++) {
            assertArrayEquals(udp("10.0.0.2", "10.0.0.1", ("packet " + i).getBytes()), device(hub).awaitWritten(WAIT),
                    "packet " + i + " of " + sent + " in order");
        }
    }

    @Test
    void subnetsBehindAClientAreRoutedToItAndPushedToOthers() throws Exception {
        HubNode hub = hub().start();
        ClientNode gateway = client("10.0.0.2").to(hub).start(); // c2 declares 192.168.50.0/24
        ClientNode bob = client("10.0.0.3").to(hub).start();
        await("two sessions", () -> gateway.isConnected() && bob.isConnected());
        assertEquals(List.of(IpPrefix.parse("172.20.0.0/16"), IpPrefix.parse("192.168.50.0/24")),
                device(bob).options().routes(), "the hub's routes and c2's subnet, pushed to bob");
        assertEquals(List.of(IpPrefix.parse("172.20.0.0/16")), device(gateway).options().routes(), "not its own subnet");
        byte[] toSubnet = udp("10.0.0.3", "192.168.50.7", new byte[8]);
        device(bob).inject(toSubnet);
        assertArrayEquals(toSubnet, device(gateway).awaitWritten(WAIT), "forwarded to the client behind which it lies");
        byte[] fromSubnet = udp("192.168.50.7", "10.0.0.3", new byte[8]);
        device(gateway).inject(fromSubnet);
        assertArrayEquals(fromSubnet, device(bob).awaitWritten(WAIT), "its subnet is a valid source for c2");
        device(bob).inject(udp("192.168.50.9", "10.0.0.2", new byte[8]));
        announce(bob, "10.0.0.3", hub);
        assertEquals(1L, hub.counters().drops().get("spoofed-source"), "but not for bob");
    }

    @Test
    void idleSessionsSurviveOnKeepalivesAlone() throws Exception {
        HubNode hub = hub().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        await("session", alice::isConnected);
        Thread.sleep(FAST.timeout().multipliedBy(4)); // idle time is the subject here: nothing to await
        assertTrue(alice.isConnected());
        assertEquals(1, hub.acceptedConnections(), "no reconnect happened");
        announce(alice, "10.0.0.2", hub);
    }

    @Test
    void keepaliveProbesMeasureTheRoundTripTimeOnBothEnds() throws Exception {
        HubNode hub = hub().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        await("round-trip times on both ends", () -> rtt(hub) != null && rtt(alice) != null);
        assertTrue(rtt(hub).compareTo(Duration.ofSeconds(1)) < 0, "a loopback round trip: " + rtt(hub));
    }

    @Test
    void legacySessionsSendNoProbes() throws Exception {
        HubNode hub = hub().access(new HubAccess.Legacy()).start();
        ClientNode alice = client(new ClientAuth.Legacy(IpPrefix.parse("10.0.0.2/24"))).to(hub).start();
        await("session", () -> alice.isConnected() && hub.sessionCount() == 1);
        announce(alice, "10.0.0.2", hub);
        Thread.sleep(FAST.keepalive().multipliedBy(3)); // several keepalive intervals pass: nothing to await
        assertNull(rtt(hub), "the original's peers answer no probe, so none is sent");
        assertNull(rtt(alice));
    }

    @Test
    void aCodecWithChaffGetsCoverFramesWhichThePeerDrops() throws Exception {
        Codec padded = new io.lwt.codec.padded.PaddedCodec(List.of(128, 512, 1500), 1000);
        HubSpec spec = new HubSpec("hub", options("10.0.0.1/24", 1400),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10, FAST, secure(null));
        HubNode hub = HubNode.start(spec, tun, List.of(tcp), padded, hubRouting(), null);
        running.add(hub);
        try (Socket observer = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort())) {
            java.io.DataInputStream in = new java.io.DataInputStream(observer.getInputStream());
            // a port that a scanner finds says nothing, not even cover traffic: 1000 frames a second would show at once
            observer.setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class, in::read, "the hub speaks only to a valid initiation");
            observer.setSoTimeout((int) WAIT.toMillis()); // no cover traffic: a read times out, the test fails
            ByteBuffer initiation = ByteBuffer.allocate(512).put(io.lwt.core.handshake.Initiation.TYPE);
            new io.lwt.core.handshake.ClientHandshake(key("c4"), HUB_KEY, new byte[0]).initiation(false)
                    .write(initiation);
            java.io.DataOutputStream out = new java.io.DataOutputStream(observer.getOutputStream());
            out.writeInt(initiation.position()); // the padded codec's frame: length, padding length, message, padding
            out.writeShort(0);
            out.write(initiation.array(), 0, initiation.position());
            java.util.Set<Integer> sizes = new java.util.TreeSet<>();
            int cover = 0;
            int messages = 0;
            // the RESPONSE and the session's probes among cover frames: 1000/s on average, so 20 arrive at once
            while (cover < 20) {
                int length = in.readInt();
                int padding = in.readUnsignedShort();
                in.skipNBytes(length + padding);
                if (length == 0) {
                    cover++;
                    sizes.add(6 + padding);
                } else {
                    messages++;
                }
            }
            assertTrue(messages >= 1, "the RESPONSE first");
            assertTrue(List.of(128, 512, 1500).containsAll(sizes) && sizes.size() > 1, "bucket sizes at random: " + sizes);
        }
        ClientSpec clientSpec = new ClientSpec("client", "t" + DEVICES.incrementAndGet(), 1400, List.of(hub.listenAddress()), FAST,
                new ClientAuth.Secure("c2", key("c2"), HUB_KEY));
        ClientNode alice = ClientNode.start(clientSpec, tun, List.of(tcp), padded);
        running.add(alice);
        await("session", alice::isConnected);
        announce(alice, "10.0.0.2", hub); // both ends send and drop cover frames around the packets
    }

    @Test
    void superSegmentsCrossWholeBetweenNodesWithOffloadsAndAreCutForOthers() throws Exception {
        MemoryTun offloading = MemoryTun.withOffloads();
        HubSpec spec = new HubSpec("hub", options("10.0.0.1/24", 1400),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10, FAST, secure(null));
        HubNode hub = HubNode.start(spec, offloading, List.of(tcp), codec, hubRouting(), null);
        running.add(hub);
        ClientNode alice = client(new ClientAuth.Secure("c2", key("c2"), HUB_KEY)).to(hub).tun(offloading).start();
        ClientNode bob = client("10.0.0.3").to(hub).start(); // no offloads
        await("two sessions", () -> alice.isConnected() && bob.isConnected());
        byte[] payload = new byte[10_000];
        new java.util.Random(7).nextBytes(payload);
        VirtioNetHeader gso = new VirtioNetHeader(VirtioNetHeader.NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, 40, 1000, 20, 16);

        byte[] aliceToBob = TestPackets.tcp("10.0.0.2", "10.0.0.3", 40000, 5201, 100, TestPackets.PSH | TestPackets.ACK, payload);
        device(alice).inject(gso, aliceToBob);
        assertSegments(device(bob), 100, payload, 1000); // whole through the hub, cut by bob's node for its device

        byte[] hubToAlice = TestPackets.tcp("10.0.0.1", "10.0.0.2", 5201, 40000, 7, TestPackets.ACK, payload);
        device(hub).inject(gso, hubToAlice);
        byte[] whole = device(alice).awaitWritten(WAIT);
        assertNotNull(whole, "the super-segment reached alice");
        assertEquals(gso, VirtioNetHeader.read(ByteBuffer.wrap(whole), 0), "with its header, for alice's device to cut");
        assertArrayEquals(hubToAlice, java.util.Arrays.copyOfRange(whole, VirtioNetHeader.LENGTH, whole.length));

        byte[] bobToAlice = udp("10.0.0.3", "10.0.0.2", new byte[4]);
        device(bob).inject(bobToAlice);
        byte[] plain = device(alice).awaitWritten(WAIT);
        assertEquals(VirtioNetHeader.NONE, VirtioNetHeader.read(ByteBuffer.wrap(plain), 0), "an empty header before it");
        assertArrayEquals(bobToAlice, java.util.Arrays.copyOfRange(plain, VirtioNetHeader.LENGTH, plain.length));
    }

    /** Awaits the segments of a cut super-segment: consecutive sequence numbers, valid checksums, the payload whole. */
    private static void assertSegments(MemoryTun.Device device, int firstSeq, byte[] payload, int segmentSize)
            throws InterruptedException {
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        for (int i = 0; received.size() < payload.length; i++) {
            byte[] segment = device.awaitWritten(WAIT);
            assertNotNull(segment, "segment " + i);
            ByteBuffer b = ByteBuffer.wrap(segment);
            assertEquals(segment.length, Short.toUnsignedInt(b.getShort(2)), "IPv4 total length of segment " + i);
            assertEquals(0, TestPackets.checksum(segment, 0, 20), "IPv4 header checksum of segment " + i);
            byte[] pseudo = ByteBuffer.allocate(12 + segment.length - 20).put(segment, 12, 8).putShort((short) 6)
                    .putShort((short) (segment.length - 20)).put(segment, 20, segment.length - 20).array();
            assertEquals(0, TestPackets.checksum(pseudo, 0, pseudo.length), "TCP checksum of segment " + i);
            assertEquals(firstSeq + i * segmentSize, b.getInt(24), "sequence number of segment " + i);
            assertTrue(segment.length - 40 <= segmentSize, "segment " + i + " carries at most " + segmentSize);
            received.write(segment, 40, segment.length - 40);
        }
        assertArrayEquals(payload, received.toByteArray());
    }

    private static Duration rtt(TunnelNode node) {
        List<NodeStatus.Peer> peers = node.status().peers();
        return peers.isEmpty() ? null : peers.getFirst().rtt();
    }

    @Test
    void fullSizePacketsCrossAtEveryMtu() throws Exception {
        for (int mtu : new int[] {576, 1500, 9000, 65535}) {
            HubNode hub = hub().mtu(mtu).start();
            ClientNode alice = client("10.0.0.2").to(hub).mtu(mtu).start();
            ClientNode bob = client("10.0.0.3").to(hub).mtu(mtu).start();
            await("sessions at mtu " + mtu, () -> alice.isConnected() && bob.isConnected() && hub.sessionCount() == 2);
            announce(bob, "10.0.0.3", hub);
            for (int i = 0; i < 20; i++) {
                byte[] full = udpOfSize("10.0.0.2", "10.0.0.3", mtu);
                device(alice).inject(full);
                assertArrayEquals(full, device(bob).awaitWritten(WAIT), "packet " + i + " at mtu " + mtu);
            }
            stopAll();
            running.clear();
        }
    }

    @Test
    void isolatedHubDropsClientToClientButServesTheHub() throws Exception {
        HubNode hub = hub().routing(isolatedRouting()).start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        ClientNode bob = client("10.0.0.3").to(hub).start();
        await("two sessions", () -> alice.isConnected() && bob.isConnected() && hub.sessionCount() == 2);
        announce(bob, "10.0.0.3", hub);
        announce(alice, "10.0.0.2", hub);
        device(alice).inject(udp("10.0.0.2", "10.0.0.3", new byte[10]));
        announce(alice, "10.0.0.2", hub); // same session, in order: the packet before it has been routed
        assertEquals(1L, hub.counters().drops().get("isolated"));
        assertNull(device(bob).awaitWritten(Duration.ZERO), "bob got nothing from alice");
        byte[] fromHub = udp("10.0.0.1", "10.0.0.3", new byte[10]);
        device(hub).inject(fromHub);
        assertArrayEquals(fromHub, device(bob).awaitWritten(WAIT));
    }

    @Test
    void anExtraClientIsToldTheHubIsFullWhileOthersKeepWorking() throws Exception {
        HubNode hub = hub().maxClients(2).start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        ClientNode bob = client("10.0.0.3").to(hub).start();
        await("two sessions", () -> alice.isConnected() && bob.isConnected() && hub.sessionCount() == 2);
        client("10.0.0.4").to(hub).start();
        await("a refusal", () -> hub.counters().drops().getOrDefault("handshake-busy", 0L) > 0);
        Thread.sleep(2000); // a refused client retries with growing delays, not in a tight loop
        assertTrue(hub.counters().drops().get("handshake-busy") <= 5, hub.counters().drops() + " in 2 s");
        await("the refused session ends", () -> hub.sessionCount() == 2);
        announce(bob, "10.0.0.3", hub);
        byte[] toBob = udp("10.0.0.2", "10.0.0.3", new byte[100]);
        device(alice).inject(toBob);
        assertArrayEquals(toBob, device(bob).awaitWritten(WAIT));
    }

    /**
     * Connections that never authenticate do not count against max-clients: one address holds its share of the
     * places in the handshake and no more, and a newcomer that finds every place taken evicts the oldest.
     */
    @Test
    void silentConnectionsDoNotKeepClientsOut() throws Exception {
        HubAccess.Secure tight = secure(null);
        tight = new HubAccess.Secure(HUB_PRIVATE, tight.clients(), null, null, Duration.ofSeconds(30), 4, 1000,
                tight.routes());
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (io.lwt.testsupport.LogCapture capture = io.lwt.testsupport.LogCapture.of(HubNode.class.getName(),
                line -> lines.add(line.message()))) {
            HubNode hub = hub().maxClients(2).access(tight).start();
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) { // from another /24 of the loopback network than the clients'
                    silent.add(new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort(),
                            InetAddress.getByName("127.0.1.2"), 0));
                }
                await("two refused at the address's share", () -> hub.refusedConnections() == 2);
                assertTrue(lines.stream().anyMatch(l -> l.contains("4 connections from this address are still in the "
                        + "handshake")), lines.toString());
                ClientNode alice = client("10.0.0.2").to(hub).start();
                ClientNode bob = client("10.0.0.3").to(hub).start();
                await("both clients joined", () -> alice.isConnected() && bob.isConnected());
                assertTrue(lines.stream().anyMatch(l -> l.contains("evicted, the oldest of 4 connections in the "
                        + "handshake")), lines.toString());
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    @Test
    void spoofedSourcesAreDroppedAndCounted() throws Exception {
        HubNode hub = hub().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        ClientNode mallory = client("10.0.0.6").to(hub).start();
        await("two sessions", () -> alice.isConnected() && mallory.isConnected());
        device(mallory).inject(udp("10.0.0.2", "10.0.0.1", new byte[4])); // forged: alice's address
        announce(mallory, "10.0.0.6", hub); // same session, in order: the forged packet was handled before
        assertEquals(1L, hub.counters().drops().get("spoofed-source"));
        byte[] toAlice = udp("10.0.0.1", "10.0.0.2", new byte[4]);
        device(hub).inject(toAlice);
        assertArrayEquals(toAlice, device(alice).awaitWritten(WAIT), "alice keeps her address");
        assertNull(device(mallory).awaitWritten(Duration.ZERO));
    }

    @Test
    void legacyHubLearnsAddressesAndKeepsTheFirstClaimant() throws Exception {
        HubNode hub = hub().access(new HubAccess.Legacy()).start();
        ClientNode alice = client(new ClientAuth.Legacy(IpPrefix.parse("10.0.0.2/24"))).to(hub).start();
        ClientNode mallory = client(new ClientAuth.Legacy(IpPrefix.parse("10.0.0.66/24"))).to(hub).start();
        await("two sessions", () -> alice.isConnected() && mallory.isConnected() && hub.sessionCount() == 2);
        announce(alice, "10.0.0.2", hub);
        device(mallory).inject(udp("10.0.0.2", "10.0.0.1", new byte[4]));
        announce(mallory, "10.0.0.66", hub);
        assertEquals(1L, hub.counters().drops().get("address-taken"));
        byte[] toAlice = udp("10.0.0.1", "10.0.0.2", new byte[4]);
        device(hub).inject(toAlice);
        assertArrayEquals(toAlice, device(alice).awaitWritten(WAIT), "alice keeps her address");
    }

    /**
     * An unauthenticated legacy client may claim only a client's address of the tunnel network, and sends from it
     * alone once it has: not the hub's, the network's, the broadcast address or one outside, nor a second source.
     */
    @Test
    void aLegacyClientClaimsOnlyAClientsAddressAndKeepsToIt() throws Exception {
        HubNode hub = hub().access(new HubAccess.Legacy()).start();
        ClientNode mallory = client(new ClientAuth.Legacy(IpPrefix.parse("10.0.0.66/24"))).to(hub).start();
        await("mallory", () -> mallory.isConnected() && hub.sessionCount() == 1);
        for (String claim : List.of("10.0.0.1", "10.0.0.0", "10.0.0.255", "10.9.9.9")) {
            device(mallory).inject(udp(claim, "10.0.0.1", new byte[4]));
        }
        announce(mallory, "10.0.0.66", hub); // only now an address: its own
        assertEquals(4L, hub.counters().drops().get("address-refused"), "the hub's, the network's, broadcast, outside");
        device(mallory).inject(udp("10.0.0.77", "10.0.0.1", new byte[4]));
        device(mallory).inject(udp6("fd00::66", "fd00::1", new byte[4]));
        announce(mallory, "10.0.0.66", hub);
        assertEquals(2L, hub.counters().drops().get("spoofed-source"), "no other source once it has one");
        assertNull(device(hub).awaitWritten(Duration.ZERO), "nothing but its own address's packets reached the hub");
    }

    /**
     * A legacy connection that keeps itself alive with keepalives but never sends the packet its address is learned
     * from is closed at the deadline, not held forever.
     */
    @Test
    void aLegacyConnectionThatClaimsNoAddressIsClosedAtTheDeadline() throws Exception {
        HubNode hub = hub().access(new HubAccess.Legacy()).start();
        List<String> ends = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (io.lwt.testsupport.LogCapture capture = io.lwt.testsupport.LogCapture.of(HubNode.class.getName(), line -> {
                    if (line.pattern().startsWith("session {0} closed: ")) {
                        ends.add(line.parameters().get(1));
                    }
                });
                Socket idler = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort())) {
            idler.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
            Thread keepalives = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        idler.getOutputStream().write(new byte[] {0, 0, 0, 1, Messages.KEEPALIVE});
                        Thread.sleep(FAST.keepalive()); // a peer's pace, not a wait for anything
                    }
                } catch (IOException | InterruptedException e) {
                    // the hub closed it
                }
            });
            InputStream in = idler.getInputStream();
            while (in.read() >= 0) {
                // the hub's keepalives, until it ends the connection
            }
            keepalives.interrupt();
            await("its reason", () -> !ends.isEmpty());
        }
        assertEquals(List.of("no IPv4 packet to learn its address from within 10s"), ends);
    }

    /**
     * A client whose key the hub does not know gets no answer at all, so a prober learns nothing, and nothing a
     * stranger could forge stops a client for good: it keeps trying, with backoff, and exits only on a refusal that
     * the hub authenticated.
     */
    @Test
    void aWrongKeyGetsNoAnswerAndTheClientKeepsTrying() throws Exception {
        HubNode hub = hub().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        ClientNode impostor = client(new ClientAuth.Secure("c3", key("someone else"), HUB_KEY)).to(hub).start();
        await("two refused attempts", () -> hub.handshakeFailures() >= 2);
        assertFalse(impostor.isConnected());
        assertTrue(impostor.failure().isEmpty(), "an unanswered handshake is no reason to stop");
        assertNull(impostor.deviceName(), "no TUN device without a grant");
        await("alice", alice::isConnected);
        announce(alice, "10.0.0.2", hub);
    }

    /**
     * Whatever answers the client's initiation but the hub that holds its key (an impostor on the path, garbage) is no
     * answer: the session ends as a protocol error and the client tries again, until the real hub answers.
     */
    @Test
    void aForgedAnswerDoesNotStopTheClientWhichJoinsOnceTheRealHubAnswers() throws Exception {
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(2);
        int port;
        ClientNode alice;
        try (java.net.ServerSocket impostor = new java.net.ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            port = impostor.getLocalPort();
            Thread.ofVirtual().start(() -> {
                while (answered.getCount() > 0) {
                    try (Socket victim = impostor.accept()) {
                        java.io.DataInputStream in = new java.io.DataInputStream(victim.getInputStream());
                        in.readFully(new byte[in.readInt()]); // the initiation
                        byte[] forged = new byte[100];
                        new java.util.Random(answered.getCount()).nextBytes(forged);
                        forged[0] = io.lwt.core.handshake.Response.TYPE;
                        java.io.DataOutputStream out = new java.io.DataOutputStream(victim.getOutputStream());
                        out.writeInt(forged.length);
                        out.write(forged);
                        out.flush();
                        answered.countDown();
                        in.read(); // until the client gives up on this connection
                    } catch (IOException e) {
                        return; // closed by the test
                    }
                }
            });
            alice = client("10.0.0.2").to(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).start();
            assertTrue(answered.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "two forged answers");
            assertFalse(alice.isConnected());
            assertTrue(alice.failure().isEmpty(), "a forged answer is no reason to stop");
        }
        HubNode hub = hub().port(port).start();
        await("alice joins the real hub", alice::isConnected);
        announce(alice, "10.0.0.2", hub);
    }

    /** Failed handshakes from one source cost the operator a line a second, however many there are. */
    @Test
    void aFloodOfFailedHandshakesLogsALineASecond() throws Exception {
        HubNode hub = hub().start();
        java.util.List<String> info = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger all = new java.util.concurrent.atomic.AtomicInteger();
        long started = System.nanoTime();
        try (io.lwt.testsupport.LogCapture capture = io.lwt.testsupport.LogCapture.of(HubNode.class.getName(), line -> {
            if (line.pattern().startsWith("session {0} closed: ")) {
                all.incrementAndGet();
                if (line.level().equals("INFO")) {
                    info.add(String.join("", line.parameters()));
                }
            }
        })) {
            byte[] garbage = new byte[4 + 128];
            ByteBuffer.wrap(garbage).putInt(128).put(io.lwt.core.handshake.Initiation.TYPE).put((byte) 2);
            for (int i = 0; i < 30; i++) {
                try (Socket s = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort())) {
                    s.getOutputStream().write(garbage);
                    assertEquals(-1, s.getInputStream().read(), "no answer");
                }
            }
            await("every end counted", () -> all.get() == 30);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(info.size() <= 1 + (int) seconds, info.size() + " lines in " + seconds + " s: " + info);
        assertTrue(info.getFirst().contains("not for this hub's public key (mac1)"), info.toString());
    }

    /** Initiations that wait in the receive buffer behind a failed one are not read: one proof per connection. */
    @Test
    void aConnectionGetsOneFailedProofAndNoMore() throws Exception {
        HubNode hub = hub().start();
        ByteBuffer frames = ByteBuffer.allocate(50 * (4 + 128));
        for (int i = 0; i < 50; i++) {
            frames.putInt(128).put(io.lwt.core.handshake.Initiation.TYPE).put((byte) 2).put(new byte[126]);
        }
        try (Socket s = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort())) {
            s.getOutputStream().write(frames.array()); // all in the hub's receive buffer before it reads the first
            assertEquals(-1, s.getInputStream().read(), "closed without an answer");
        }
        await("the failure counted", () -> hub.handshakeFailures() > 0);
        await("the session gone", () -> hub.sessionCount() == 0);
        assertEquals(1, hub.handshakeFailures());
        assertEquals(1L, hub.counters().drops().get("handshake-failed"));
    }

    /** A recorded initiation sent again gets no answer, and the session it once opened goes on. */
    @Test
    void aReplayedInitiationIsNotAnsweredAndTheLiveSessionGoesOn() throws Exception {
        HubNode hub = hub().start();
        ByteBuffer initiation = ByteBuffer.allocate(512).put(io.lwt.core.handshake.Initiation.TYPE);
        new io.lwt.core.handshake.ClientHandshake(key("c5"), HUB_KEY, new byte[0]).initiation(true).write(initiation);
        byte[] frame = ByteBuffer.allocate(4 + initiation.position()).putInt(initiation.position())
                .put(initiation.array(), 0, initiation.position()).array();
        try (Socket live = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort());
                Socket replay = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort())) {
            live.getOutputStream().write(frame);
            java.io.DataInputStream answer = new java.io.DataInputStream(live.getInputStream());
            answer.readFully(new byte[answer.readInt()]);
            await("c5's session", () -> hub.status().peers().stream().anyMatch(p -> "c5".equals(p.identity())));
            replay.getOutputStream().write(frame);
            assertEquals(-1, replay.getInputStream().read(), "no answer to the replay, only the end of the connection");
            assertEquals(1L, hub.counters().drops().get("handshake-replayed"));
            assertTrue(hub.status().peers().stream().anyMatch(p -> "c5".equals(p.identity())), "the live session stays");
        }
    }

    /** Waits until the hub has refused {@code more} handshakes beyond {@code before}, none of which stopped {@code client}. */
    private static void awaitUnanswered(HubNode hub, long before, int more, ClientNode client) throws Exception {
        await(more + " unanswered handshakes", () -> hub.handshakeFailures() >= before + more);
        assertFalse(client.isConnected());
        assertTrue(client.failure().isEmpty(), "it keeps trying");
    }

    /** A hub whose transport certifies every client it accepts as {@code identity}, as TLS with client-ca does. */
    private HubNode hubCertifying(String identity) throws Exception {
        return hub().transport(new CertifyingTransport(tcp, identity)).start();
    }

    @Test
    void aClientWithoutAKeyJoinsOnItsCertificateIdentity() throws Exception {
        HubNode hub = hubCertifying("m20");
        ClientNode m20 = client(new ClientAuth.Secure("m20", null, HUB_KEY)).to(hub).start();
        await("m20", m20::isConnected);
        announce(m20, "10.0.0.20", hub);
        assertEquals(0, hub.handshakeFailures());
    }

    /** A key client's certificate must name it: the hub refuses it for good, inside the authenticated handshake. */
    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        HubNode hub = hubCertifying("m21");
        ClientNode c3 = client("10.0.0.3").to(hub).start();
        c3.awaitTermination();
        assertEquals(new Failure(Failure.Kind.REFUSED,
                "the hub refused this client: the client certificate is for 'm21', not 'c3'"), c3.failure().orElseThrow());
    }

    @Test
    void aCertifiedButUnknownIdentityGetsNoAnswer() throws Exception {
        HubNode hub = hubCertifying("zed");
        awaitUnanswered(hub, 0, 2, client(new ClientAuth.Secure("zed", null, HUB_KEY)).to(hub).start());
    }

    @Test
    void aClientWithoutAKeyNeedsACertificate() throws Exception {
        HubNode hub = hub().start();
        awaitUnanswered(hub, 0, 2, client(new ClientAuth.Secure("m20", null, HUB_KEY)).to(hub).start());
    }

    @Test
    void aCertificateDoesNotReplaceTheKeyOfAClientThatHasOne() throws Exception {
        HubNode hub = hubCertifying("c3");
        awaitUnanswered(hub, 0, 2, client(new ClientAuth.Secure("c3", key("someone else"), HUB_KEY)).to(hub).start());
        ClientNode right = client("10.0.0.3").to(hub).start();
        await("c3 with its key", right::isConnected);
    }

    @Test
    void aReloadDisconnectsOnlyRemovedAndChangedClients() throws Exception {
        HubAccess.Secure before = secure(null);
        HubNode hub = hub().access(before).start();
        ClientNode c2 = client("10.0.0.2").to(hub).start();
        ClientNode c3 = client("10.0.0.3").to(hub).start();
        ClientNode c4 = client("10.0.0.4").to(hub).start();
        for (ClientNode c : List.of(c2, c3, c4)) {
            await("connected", c::isConnected);
        }
        java.util.Map<String, HubAccess.ClientEntry> clients = new java.util.HashMap<>(before.clients());
        clients.remove("c3");
        clients.put("c4", new HubAccess.ClientEntry("c4", key("a new key"), IpPrefix.parse("10.0.0.4").address()));
        clients.put("n1", new HubAccess.ClientEntry("n1", key("n1"), IpPrefix.parse("10.0.0.30").address()));
        HubAccess.Secure after = new HubAccess.Secure(HUB_PRIVATE, clients, null, null, before.handshakeTimeout(), 8, 1000, before.routes());
        HubSpec next = new HubSpec("hub", options("10.0.0.1/24", 1400), new InetSocketAddress(InetAddress.getLoopbackAddress(), 1),
                12, FAST, after);
        long failuresBefore = hub.handshakeFailures();

        HubNode.Reload reload = hub.reload(next, hubRouting());

        assertEquals(List.of("clients added: n1", "clients removed (disconnected): c3",
                "clients changed (disconnected to rejoin): c4", "max-handshakes 4 -> 8", "max-clients 10 -> 12"),
                reload.applied());
        // c3 is no client any more, and c4's old key is no one's: both reconnect and get no answer
        awaitUnanswered(hub, failuresBefore, 2, c3);
        assertFalse(c4.isConnected());
        ClientNode n1 = client(new ClientAuth.Secure("n1", key("n1"), HUB_KEY)).to(hub).start();
        await("the added client", n1::isConnected);
        announce(c2, "10.0.0.2", hub);
        assertTrue(c2.isConnected());
        assertEquals(0, c2.status().reconnects(), "c2 kept its session");
    }

    @Test
    void poolAddressesAreStableAcrossHubRestartsAndRunOut() throws Exception {
        HubAccess.Secure access = secure(HubAccess.AddressPool.parse("10.0.0.100-10.0.0.101"));
        HubNode first = hub().access(access).start();
        int port = first.listenAddress().getPort();
        ClientNode p2 = client(new ClientAuth.Secure("p2", key("p2"), HUB_KEY)).to(first).start();
        await("p2", p2::isConnected);
        ClientNode p1 = client(new ClientAuth.Secure("p1", key("p1"), HUB_KEY)).to(first).start();
        await("p1", p1::isConnected);
        assertEquals("10.0.0.100/24", device(p2).options().address().toString(), "first come, first served");
        assertEquals("10.0.0.101/24", device(p1).options().address().toString());
        ClientNode p3 = client(new ClientAuth.Secure("p3", key("p3"), HUB_KEY)).to(first).start();
        await("p3 refused", () -> first.counters().drops().getOrDefault("handshake-pool-exhausted", 0L) > 0);
        assertNull(p3.deviceName());
        for (AutoCloseable c : running) {
            c.close();
        }
        running.clear();
        HubNode second = hub().port(port).access(access).start();
        ClientNode p1Again = client(new ClientAuth.Secure("p1", key("p1"), HUB_KEY)).to(second).start();
        await("p1 again", p1Again::isConnected);
        assertEquals("10.0.0.101/24", device(p1Again).options().address().toString(), "kept across the restart");
    }

    @Test
    void dataBeforeTheHandshakeClosesTheSession() throws Exception {
        HubNode hub = hub().start();
        try (Socket early = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort())) {
            byte[] packet = udp("10.0.0.2", "10.0.0.1", new byte[4]);
            ByteBuffer frame = ByteBuffer.allocate(5 + packet.length).putInt(1 + packet.length)
                    .put((byte) 1).put(packet);
            early.getOutputStream().write(frame.array());
            InputStream in = early.getInputStream();
            while (in.read() >= 0) {
                // the challenge, then end of stream
            }
        }
        await("session gone", () -> hub.sessionCount() == 0);
        assertNull(device(hub).awaitWritten(Duration.ZERO), "nothing reached the hub's TUN");
    }

    @Test
    void silentPeerIsClosedWithinTimeout() throws Exception {
        HubNode hub = hub().start();
        try (Socket silent = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort())) {
            await("the session", () -> hub.sessionCount() == 1);
            long start = System.nanoTime();
            InputStream in = silent.getInputStream();
            int b;
            do {
                b = in.read(); // the challenge arrives, then the hub gives up
            } while (b >= 0);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofMillis(500).plusSeconds(1)) < 0, "closed by the handshake timeout after " + took);
            await("session freed", () -> hub.sessionCount() == 0);
        }
    }

    @Test
    void malformedFrameClosesOnlyThatSession() throws Exception {
        HubNode hub = hub().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        await("session", () -> alice.isConnected() && hub.sessionCount() == 1);
        try (Socket evil = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort())) {
            await("second session", () -> hub.sessionCount() == 2);
            OutputStream out = evil.getOutputStream();
            out.write(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3}); // length 2 GiB
            out.flush();
            evil.setSoTimeout(10_000); // a hub that kept the offender would make this throw, not hang
            evil.getInputStream().readAllBytes(); // the challenge, then end of stream: the hub closed the offender
        }
        await("offender gone", () -> hub.sessionCount() == 1);
        assertTrue(alice.isConnected());
        announce(alice, "10.0.0.2", hub);
    }

    @Test
    void clientReconnectsToARestartedHubWithItsDeviceUp() throws Exception {
        HubNode first = hub().start();
        int port = first.listenAddress().getPort();
        ClientNode alice = client("10.0.0.2").to(first).start();
        await("session", alice::isConnected);
        MemoryTun.Device aliceDevice = device(alice);
        running.remove(first);
        first.close();
        await("disconnect noticed", () -> !alice.isConnected());
        HubNode second = hub().port(port).start();
        await("reconnected", alice::isConnected);
        assertFalse(aliceDevice.isClosed(), "the TUN device stayed up");
        announce(alice, "10.0.0.2", second);
    }

    @Test
    void closingRemovesTheDevices() throws Exception {
        HubNode hub = hub().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        await("session", alice::isConnected);
        MemoryTun.Device hubDevice = device(hub);
        MemoryTun.Device aliceDevice = device(alice);
        hub.close();
        alice.close();
        hub.awaitTermination();
        alice.awaitTermination();
        assertTrue(hubDevice.isClosed() && aliceDevice.isClosed());
    }

    @Test
    void ipv6CrossesBetweenClientsAndTheHub() throws Exception {
        HubNode hub = hub().dualStack().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        ClientNode bob = client("10.0.0.3").to(hub).start();
        await("two sessions", () -> alice.isConnected() && bob.isConnected());
        assertEquals("fd00::2/64", device(alice).options().ipv6Address().toString(), "from the WELCOME");
        assertEquals("10.0.0.2/24", device(alice).options().address().toString());
        byte[] toBob = udp6("fd00::2", "fd00::3", "hello bob".getBytes());
        device(alice).inject(toBob);
        assertArrayEquals(toBob, device(bob).awaitWritten(WAIT));
        announce6(bob, "fd00::3", hub);
        byte[] fromHub = udp6("fd00::1", "fd00::2", "from the hub".getBytes());
        device(hub).inject(fromHub);
        assertArrayEquals(fromHub, device(alice).awaitWritten(WAIT));
        byte[] toBobOverIpv4 = udp("10.0.0.2", "10.0.0.3", new byte[8]);
        device(alice).inject(toBobOverIpv4);
        assertArrayEquals(toBobOverIpv4, device(bob).awaitWritten(WAIT), "IPv4 beside it");
        assertTrue(hub.status().peers().stream().anyMatch(p -> "10.0.0.2 fd00::2".equals(p.address())),
                hub.status().peers().toString());
    }

    @Test
    void fullSizeIpv6PacketsCross() throws Exception {
        for (int mtu : new int[] {1280, 9000}) {
            HubNode hub = hub().dualStack().mtu(mtu).start();
            ClientNode alice = client("10.0.0.2").to(hub).mtu(mtu).start();
            ClientNode bob = client("10.0.0.3").to(hub).mtu(mtu).start();
            await("sessions at mtu " + mtu, () -> alice.isConnected() && bob.isConnected());
            byte[] full = udp6OfSize("fd00::2", "fd00::3", mtu);
            device(alice).inject(full);
            assertArrayEquals(full, device(bob).awaitWritten(WAIT), "mtu " + mtu);
            stopAll();
            running.clear();
        }
    }

    @Test
    void isolatedHubDropsIpv6ClientToClientButServesTheHub() throws Exception {
        HubNode hub = hub().dualStack().routing(isolatedRouting()).start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        ClientNode bob = client("10.0.0.3").to(hub).start();
        await("two sessions", () -> alice.isConnected() && bob.isConnected());
        device(alice).inject(udp6("fd00::2", "fd00::3", new byte[10]));
        announce6(alice, "fd00::2", hub); // same session, in order: the packet before it has been routed
        assertEquals(1L, hub.counters().drops().get("isolated"));
        assertNull(device(bob).awaitWritten(Duration.ZERO), "bob got nothing from alice");
        byte[] fromHub = udp6("fd00::1", "fd00::3", new byte[10]);
        device(hub).inject(fromHub);
        assertArrayEquals(fromHub, device(bob).awaitWritten(WAIT));
    }

    @Test
    void spoofedIpv6SourcesAreDroppedAndCounted() throws Exception {
        HubNode hub = hub().dualStack().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        ClientNode mallory = client("10.0.0.6").to(hub).start();
        await("two sessions", () -> alice.isConnected() && mallory.isConnected());
        device(mallory).inject(udp6("fd00::2", "fd00::1", new byte[4])); // alice's address
        device(mallory).inject(udp6("fd00::66", "fd00::1", new byte[4])); // nobody's
        device(mallory).inject(udp6("fd00:50::1", "fd00::1", new byte[4])); // behind alice
        device(mallory).inject(udp6("::", "fd00::1", new byte[4]));
        announce6(mallory, "fd00::6", hub); // same session, in order: the forged ones were handled before
        assertEquals(4L, hub.counters().drops().get("spoofed-source"));
        byte[] toAlice = udp6("fd00::1", "fd00::2", new byte[4]);
        device(hub).inject(toAlice);
        assertArrayEquals(toAlice, device(alice).awaitWritten(WAIT), "alice keeps her address");
    }

    @Test
    void anIpv6SubnetBehindAClientIsRoutedToItAndPushedToOthers() throws Exception {
        HubNode hub = hub().dualStack().start();
        ClientNode gateway = client("10.0.0.2").to(hub).start(); // c2 declares fd00:50::/64
        ClientNode bob = client("10.0.0.3").to(hub).start();
        await("two sessions", () -> gateway.isConnected() && bob.isConnected());
        assertEquals(List.of(IpPrefix.parse("172.20.0.0/16"), IpPrefix.parse("192.168.50.0/24"),
                IpPrefix.parse("fd00:50::/64")), device(bob).options().routes(), "both families, pushed to bob");
        byte[] toSubnet = udp6("fd00::3", "fd00:50::7", new byte[8]);
        device(bob).inject(toSubnet);
        assertArrayEquals(toSubnet, device(gateway).awaitWritten(WAIT), "forwarded to the client behind which it lies");
        byte[] fromSubnet = udp6("fd00:50::7", "fd00::3", new byte[8]);
        device(gateway).inject(fromSubnet);
        assertArrayEquals(fromSubnet, device(bob).awaitWritten(WAIT), "its subnet is a valid source for c2");
        device(bob).inject(udp6("fd00:50::9", "fd00::2", new byte[8]));
        announce6(bob, "fd00::3", hub);
        assertEquals(1L, hub.counters().drops().get("spoofed-source"), "but not for bob");
    }

    @Test
    void linkLocalAndMulticastPacketsAreDroppedWhereTheyEnterWithTheirOwnReasons() throws Exception {
        HubNode hub = hub().dualStack().start();
        ClientNode alice = client("10.0.0.2").to(hub).start();
        await("session", alice::isConnected);
        device(alice).inject(udp6("fe80::2", "ff02::2", new byte[8])); // a router solicitation's addresses
        device(alice).inject(udp6("::", "ff02::16", new byte[8])); // an MLD report's
        device(alice).inject(udp6("fe80::2", "fe80::1", new byte[8]));
        device(alice).inject(udp6("fd00::2", "fe80::1", new byte[8]));
        device(hub).inject(udp6("fe80::1", "ff02::1", new byte[8]));
        device(hub).inject(udp6("fe80::1", "fe80::2", new byte[8]));
        announce6(alice, "fd00::2", hub);
        byte[] fromHub = udp6("fd00::1", "fd00::2", new byte[4]);
        device(hub).inject(fromHub);
        assertArrayEquals(fromHub, device(alice).awaitWritten(WAIT), "the hub's TUN reader got past its two");
        assertEquals(java.util.Map.of("ipv6-multicast", 2L, "ipv6-link-local", 2L), alice.counters().drops());
        assertEquals(java.util.Map.of("ipv6-multicast", 1L, "ipv6-link-local", 1L), hub.counters().drops());
    }

    @Test
    void aHubDropsLinkLocalAndMulticastPacketsThatAClientSendsAnyway() throws Exception {
        HubNode hub = hub().access(new HubAccess.Legacy()).start(); // no handshake: raw frames are data
        try (Socket raw = new Socket(hub.listenAddress().getAddress(), hub.listenAddress().getPort())) {
            OutputStream out = raw.getOutputStream();
            for (byte[] packet : List.of(udp6("fe80::2", "ff02::2", new byte[8]), udp6("fe80::2", "fe80::1", new byte[8]))) {
                out.write(ByteBuffer.allocate(5 + packet.length).putInt(1 + packet.length).put((byte) 1)
                        .put(packet).array());
            }
            out.flush();
            await("both dropped", () -> hub.counters().drops().size() == 2);
        }
        assertEquals(java.util.Map.of("ipv6-multicast", 1L, "ipv6-link-local", 1L), hub.counters().drops());
        assertNull(device(hub).awaitWritten(Duration.ZERO), "nothing reached the hub's TUN");
    }

    @Test
    void ipv6AddressesComeFromThePoolAndAClientWithoutOneStaysIpv4() throws Exception {
        HubAccess.Secure access = secure(HubAccess.AddressPool.parse("10.0.0.100-10.0.0.101", "fd00::100-fd00::100"));
        HubNode hub = hub().dualStack().access(access).start();
        ClientNode p1 = client(new ClientAuth.Secure("p1", key("p1"), HUB_KEY)).to(hub).start();
        await("p1", p1::isConnected);
        assertEquals("10.0.0.100/24", device(p1).options().address().toString());
        assertEquals("fd00::100/64", device(p1).options().ipv6Address().toString());
        ClientNode p2 = client(new ClientAuth.Secure("p2", key("p2"), HUB_KEY)).to(hub).start();
        await("p2 refused", () -> hub.counters().drops().getOrDefault("handshake-pool-exhausted", 0L) > 0);
        assertNull(p2.deviceName(), "the IPv6 range is exhausted");
        String state = java.nio.file.Files.readString(stateFile);
        assertTrue(state.contains("p1=10.0.0.100,fd00\\:\\:100"), state);

        stopAll();
        running.clear();
        stateFile = temporary.resolve("ipv4-only-pool.state");
        HubNode ipv6WithoutPool = hub().dualStack().access(secure(HubAccess.AddressPool.parse("10.0.0.100-10.0.0.101"))).start();
        ClientNode p3 = client(new ClientAuth.Secure("p3", key("p3"), HUB_KEY)).to(ipv6WithoutPool).start();
        ClientNode c3 = client("10.0.0.3").to(ipv6WithoutPool).start();
        await("p3 and c3", () -> p3.isConnected() && c3.isConnected());
        assertNull(device(p3).options().ipv6Address(), "no fixed IPv6 address and no IPv6 range: IPv4 only");
        assertEquals(List.of(IpPrefix.parse("172.20.0.0/16"), IpPrefix.parse("192.168.50.0/24")),
                device(p3).options().routes(), "and no IPv6 routes");
        device(p3).inject(udp6("fd00::101", "fd00::3", new byte[4]));
        announce(p3, "10.0.0.100", ipv6WithoutPool);
        assertEquals(1L, ipv6WithoutPool.counters().drops().get("spoofed-source"), "it owns no IPv6 source");
    }

    /** Plain TCP whose listener fails its first accepts, as a hub out of file descriptors would. */
    private record FailingAccepts(Transport tcp, java.util.concurrent.atomic.AtomicInteger failures,
            java.util.concurrent.atomic.AtomicReference<Error> error) implements Transport {
        @Override
        public io.lwt.api.transport.Listener listen(InetSocketAddress local) throws java.io.IOException {
            io.lwt.api.transport.Listener listener = tcp.listen(local);
            return new io.lwt.api.transport.Listener() {
                @Override
                public io.lwt.api.transport.Connection accept() throws java.io.IOException {
                    Error thrown = error.getAndSet(null);
                    if (thrown != null) {
                        throw thrown;
                    }
                    if (failures.getAndDecrement() > 0) {
                        throw new java.io.IOException("Too many open files");
                    }
                    return listener.accept();
                }

                @Override
                public InetSocketAddress localAddress() {
                    return listener.localAddress();
                }

                @Override
                public void close() throws java.io.IOException {
                    listener.close();
                }
            };
        }

        @Override
        public io.lwt.api.transport.Connection dial(InetSocketAddress remote, Duration timeout) throws java.io.IOException {
            return tcp.dial(remote, timeout);
        }
    }

    /** Failed accepts, even an OutOfMemoryError, cost a line and a wait, and the hub goes on accepting. */
    @Test
    void failedAcceptsBackOffAndTheHubGoesOnAccepting() throws Exception {
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger(5);
        java.util.concurrent.atomic.AtomicReference<Error> error =
                new java.util.concurrent.atomic.AtomicReference<>(new OutOfMemoryError("Java heap space"));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        HubNode hub;
        try (io.lwt.testsupport.LogCapture capture = io.lwt.testsupport.LogCapture.of(HubNode.class.getName(), line -> {
            if (line.pattern().startsWith("accepting connections")) {
                lines.add(line.level() + " " + line.pattern() + " " + line.parameters());
            }
        })) {
            hub = hub().transport(new FailingAccepts(tcp, failures, error)).start();
            ClientNode alice = client("10.0.0.2").to(hub).start();
            await("alice, once accepting works again", alice::isConnected);
        }
        assertTrue(hub.failure().isEmpty(), "the hub did not stop");
        assertEquals(List.of(
                "SEVERE accepting connections failed: {0}; retrying while it does [OutOfMemoryError: Java heap space]",
                "SEVERE accepting connections failed: {0}; retrying while it does [Too many open files]",
                "INFO accepting connections again []"), lines, "one line per distinct cause, five failures of one");
    }

    /**
     * Plain TCP whose listener counts its refreshes and fails each with {@code failure}, if set, as a TLS hub's
     * unreadable {@code client-crl} does.
     */
    private record Refreshing(Transport tcp, java.util.concurrent.atomic.AtomicInteger refreshes, String failure)
            implements Transport {
        @Override
        public io.lwt.api.transport.Listener listen(InetSocketAddress local) throws java.io.IOException {
            io.lwt.api.transport.Listener listener = tcp.listen(local);
            return new io.lwt.api.transport.Listener() {
                @Override
                public io.lwt.api.transport.Connection accept() throws java.io.IOException {
                    return listener.accept();
                }

                @Override
                public InetSocketAddress localAddress() {
                    return listener.localAddress();
                }

                @Override
                public void refresh() throws java.io.IOException {
                    refreshes.incrementAndGet();
                    if (failure != null) {
                        throw new java.io.IOException(failure);
                    }
                }

                @Override
                public void close() throws java.io.IOException {
                    listener.close();
                }
            };
        }

        @Override
        public io.lwt.api.transport.Connection dial(InetSocketAddress remote, Duration timeout) throws java.io.IOException {
            return tcp.dial(remote, timeout);
        }
    }

    /** A reload has the listener re-read its files; one it cannot read costs a line, and the rest of the reload stands. */
    @Test
    void aReloadRefreshesTheListenerAndAFailedRefreshChangesNothingElse() throws Exception {
        java.util.concurrent.atomic.AtomicInteger refreshes = new java.util.concurrent.atomic.AtomicInteger();
        String failure = "client-crl /etc/lwt/clients.crl: no such file; the CRL read before stays in force";
        HubNode hub = hub().maxClients(10).transport(new Refreshing(tcp, refreshes, failure)).start();
        ClientNode c2 = client("10.0.0.2").to(hub).start();
        await("c2", c2::isConnected);
        HubSpec next = new HubSpec("hub", options("10.0.0.1/24", 1400),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 11, FAST, secure(null));
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        HubNode.Reload reload;
        try (io.lwt.testsupport.LogCapture capture = io.lwt.testsupport.LogCapture.of(HubNode.class.getName(), line -> {
            if (line.pattern().startsWith("reload")) {
                lines.add(line.level() + " " + line.pattern() + " " + line.parameters());
            }
        })) {
            reload = hub.reload(next, hubRouting());
        }
        assertEquals(1, refreshes.get(), "the reload refreshed the listener");
        assertEquals(List.of("WARNING reload: {0} [" + failure + "]"), lines);
        assertEquals(List.of("max-clients 10 -> 11"), reload.applied(), "the rest of the reload stands");
        announce(c2, "10.0.0.2", hub);
        assertEquals(0, c2.status().reconnects(), "c2 kept its session");
    }

    /** Plain TCP whose accepted connections report a fixed peer identity, standing in for a verified certificate. */
    private record CertifyingTransport(Transport tcp, String identity) implements Transport {
        @Override
        public io.lwt.api.transport.Listener listen(InetSocketAddress local) throws java.io.IOException {
            io.lwt.api.transport.Listener listener = tcp.listen(local);
            return new io.lwt.api.transport.Listener() {
                @Override
                public io.lwt.api.transport.Connection accept() throws java.io.IOException {
                    return new Certified(listener.accept(), identity);
                }

                @Override
                public InetSocketAddress localAddress() {
                    return listener.localAddress();
                }

                @Override
                public void close() throws java.io.IOException {
                    listener.close();
                }
            };
        }

        @Override
        public io.lwt.api.transport.Connection dial(InetSocketAddress remote, Duration timeout) throws java.io.IOException {
            return tcp.dial(remote, timeout);
        }
    }

    private record Certified(io.lwt.api.transport.Connection tcp, String identity) implements io.lwt.api.transport.Connection {
        @Override
        public int read(ByteBuffer dst) throws java.io.IOException {
            return tcp.read(dst);
        }

        @Override
        public void write(java.nio.ByteBuffer[] srcs, int offset, int length) throws java.io.IOException {
            tcp.write(srcs, offset, length);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return tcp.remoteAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return tcp.localAddress();
        }

        @Override
        public java.util.Optional<String> peerIdentity() {
            return java.util.Optional.of(identity);
        }

        @Override
        public void close() throws java.io.IOException {
            tcp.close();
        }
    }
}
