package io.lwt.benchmarks;

import io.lwt.api.IpPackets;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import io.lwt.api.routing.Route;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.api.routing.RoutingProvider;
import io.lwt.testsupport.TestPackets;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hub's routing decision per packet, for the built-in policies: a client's packet for another client
 * ({@code fromPeer}: forwarded by {@code hub}, dropped by {@code isolated}) and a packet from the hub's TUN for a
 * client ({@code fromTun}). The directory is a small allocation-free table, as the engine's is, so the figure is the
 * policy's and the header reads' (test-support's TestPeers boxes keys and formats IPv6 addresses per lookup).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {

    @Param({"hub", "isolated"})
    public String policy;

    @Param({"4", "6"})
    public int family;

    private RoutingPolicy routing;
    private final Directory directory = new Directory();
    private Peer alice;
    private ByteBuffer aliceToBob;
    private ByteBuffer hubToBob;

    @Setup
    public void setUp() {
        routing = Providers.create(RoutingProvider.class, policy);
        alice = directory.peers[2];
        boolean v4 = family == 4;
        aliceToBob = packet(v4 ? TestPackets.udpOfSize("10.0.0.2", "10.0.0.3", 64)
                : TestPackets.udp6OfSize("fd00::2", "fd00::3", 64));
        hubToBob = packet(v4 ? TestPackets.udpOfSize("10.0.0.1", "10.0.0.3", 64)
                : TestPackets.udp6OfSize("fd00::1", "fd00::3", 64));
        Route expected = policy.equals("isolated") ? Route.ISOLATED : directory.peers[3].route();
        if (fromPeer() != expected || fromTun() != directory.peers[3].route()) {
            throw new IllegalStateException(policy + " routed differently than expected");
        }
    }

    private static ByteBuffer packet(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    @Benchmark
    public Route fromPeer() {
        return routing.fromPeer(alice, aliceToBob, directory);
    }

    @Benchmark
    public Route fromTun() {
        return routing.fromTun(hubToBob, directory);
    }

    /** Peers at 10.0.0.N and fd00::N for N in 2..254, found by an array index. */
    static final class Directory implements PeerDirectory {
        private static final int IPV4_NETWORK = 0x0a00_0000;
        private static final long IPV6_HIGH = 0xfd00_0000_0000_0000L;

        final Peer[] peers = new Peer[256];

        Directory() {
            for (int n = 2; n < 255; n++) {
                peers[n] = new BenchPeer("client" + n);
            }
        }

        @Override
        public Peer destinationOwner(ByteBuffer packet) {
            switch (IpPackets.version(packet)) {
                case 4 -> {
                    int destination = IpPackets.ipv4Destination(packet);
                    return (destination & 0xffff_ff00) == IPV4_NETWORK ? peers[destination & 0xff] : null;
                }
                case 6 -> {
                    long low = IpPackets.ipv6DestinationLow(packet);
                    return IpPackets.ipv6DestinationHigh(packet) == IPV6_HIGH && (low & ~0xffL) == 0
                            ? peers[(int) low & 0xff] : null;
                }
                default -> {
                    return null;
                }
            }
        }
    }

    static final class BenchPeer implements Peer {
        private final String name;
        private final Route.ToPeer route = new Route.ToPeer(this);

        BenchPeer(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Route.ToPeer route() {
            return route;
        }
    }
}
