package io.lwt.routing.isolated;

import static io.lwt.testsupport.TestPackets.udp;
import static io.lwt.testsupport.TestPackets.udp6;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.lwt.api.Config;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.Route;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.testsupport.TestPeers;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class IsolatedRoutingTest {

    private final RoutingPolicy isolated =
            new IsolatedRoutingProvider().create(Config.empty("routing.isolated", Config.Location.of("t")));
    private final TestPeers peers = new TestPeers();
    private final Peer alice = peers.add("10.0.0.2", "fd00::2");
    private final Peer bob = peers.add("10.0.0.3", "fd00::3");

    private static ByteBuffer packet(String from, String to) {
        return ByteBuffer.wrap(from.contains(":") ? udp6(from, to, new byte[8]) : udp(from, to, new byte[8]));
    }

    @Test
    void clientToClientIsDropped() {
        assertSame(Route.ISOLATED, isolated.fromPeer(alice, packet("10.0.0.2", "10.0.0.3"), peers));
        assertSame(Route.ISOLATED, isolated.fromPeer(bob, packet("10.0.0.3", "10.0.0.2"), peers));
    }

    @Test
    void clientToHubAndBeyondGoesToTheTun() {
        assertSame(Route.TO_TUN, isolated.fromPeer(alice, packet("10.0.0.2", "10.0.0.1"), peers));
        assertSame(Route.TO_TUN, isolated.fromPeer(alice, packet("10.0.0.2", "8.8.8.8"), peers));
        assertSame(Route.MALFORMED, isolated.fromPeer(alice, ByteBuffer.wrap(new byte[3]), peers));
    }

    @Test
    void hubReachesEveryClient() {
        assertSame(alice.route(), isolated.fromTun(packet("10.0.0.1", "10.0.0.2"), peers));
        assertSame(bob.route(), isolated.fromTun(packet("10.0.0.1", "10.0.0.3"), peers));
        assertSame(Route.NO_ROUTE, isolated.fromTun(packet("10.0.0.1", "10.0.0.9"), peers));
    }

    @Test
    void ipv6ClientToClientIsDroppedTooWhileTheHubServesBoth() {
        assertSame(Route.ISOLATED, isolated.fromPeer(alice, packet("fd00::2", "fd00::3"), peers));
        assertSame(Route.TO_TUN, isolated.fromPeer(alice, packet("fd00::2", "fd00::1"), peers));
        assertSame(bob.route(), isolated.fromTun(packet("fd00::1", "fd00::3"), peers));
        assertSame(Route.NO_ROUTE, isolated.fromTun(packet("fd00::1", "fd00::9"), peers));
    }
}
