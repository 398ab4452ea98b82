package io.lwt.routing.hub;

import static io.lwt.testsupport.TestPackets.udp;
import static io.lwt.testsupport.TestPackets.udp6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.lwt.api.Config;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.Route;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.testsupport.TestPeers;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HubRoutingTest {

    private final RoutingPolicy hub = new HubRoutingProvider().create(Config.empty("routing.hub", Config.Location.of("t")));
    private final TestPeers peers = new TestPeers();
    private final Peer alice = peers.add("10.0.0.2", "fd00::2");
    private final Peer bob = peers.add("10.0.0.3", "fd00::3");

    private static ByteBuffer packet(String from, String to) {
        return ByteBuffer.wrap(from.contains(":") ? udp6(from, to, new byte[8]) : udp(from, to, new byte[8]));
    }

    @Test
    void clientToClientGoesToThatClient() {
        ByteBuffer p = packet("10.0.0.2", "10.0.0.3");
        assertSame(bob.route(), hub.fromPeer(alice, p, peers));
        assertEquals(0, p.position(), "packet untouched");
    }

    @Test
    void hubAddressAndUnknownDestinationsGoToTheTun() {
        assertSame(Route.TO_TUN, hub.fromPeer(alice, packet("10.0.0.2", "10.0.0.1"), peers));
        assertSame(Route.TO_TUN, hub.fromPeer(alice, packet("10.0.0.2", "192.168.7.7"), peers));
    }

    @Test
    void packetToItselfAndGarbageAreDropped() {
        assertSame(Route.LOOP, hub.fromPeer(alice, packet("10.0.0.2", "10.0.0.2"), peers));
        assertSame(Route.MALFORMED, hub.fromPeer(alice, ByteBuffer.wrap(new byte[] {0x45, 0, 0}), peers));
    }

    @Test
    void fromTheTunOnlyToKnownClients() {
        assertSame(alice.route(), hub.fromTun(packet("10.0.0.1", "10.0.0.2"), peers));
        assertSame(Route.NO_ROUTE, hub.fromTun(packet("10.0.0.1", "10.0.0.99"), peers));
    }

    @Test
    void ipv6IsRoutedByDestinationLikeIpv4() {
        assertSame(bob.route(), hub.fromPeer(alice, packet("fd00::2", "fd00::3"), peers));
        assertSame(Route.TO_TUN, hub.fromPeer(alice, packet("fd00::2", "fd00::1"), peers));
        assertSame(Route.TO_TUN, hub.fromPeer(alice, packet("fd00::2", "2001:db8::7"), peers));
        assertSame(Route.LOOP, hub.fromPeer(alice, packet("fd00::2", "fd00::2"), peers));
        assertSame(alice.route(), hub.fromTun(packet("fd00::1", "fd00::2"), peers));
        assertSame(Route.NO_ROUTE, hub.fromTun(packet("fd00::1", "fd00::99"), peers));
        assertSame(Route.MALFORMED, hub.fromPeer(alice, ByteBuffer.wrap(new byte[39]).put(0, (byte) 0x60), peers),
                "shorter than an IPv6 header");
    }
}
