package io.lwt.testsupport;

import io.lwt.api.IpPackets;
import io.lwt.api.IpPrefix;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import io.lwt.api.routing.Route;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/** A peer directory for testing routing policies: peers named by their IPv4 or IPv6 tunnel addresses. */
public final class TestPeers implements PeerDirectory {

    private final Map<Integer, Peer> ipv4Owners = new HashMap<>();
    private final Map<String, Peer> ipv6Owners = new HashMap<>();

    /** Adds a peer owning {@code addresses} (literals of either family) and returns it; named by the first. */
    public Peer add(String... addresses) {
        Peer peer = new TestPeer(addresses[0]);
        for (String address : addresses) {
            InetAddress literal = IpPrefix.literal(address);
            if (literal.getAddress().length == 4) {
                ipv4Owners.put(ByteBuffer.wrap(literal.getAddress()).getInt(), peer);
            } else {
                ipv6Owners.put(IpPrefix.text(literal), peer);
            }
        }
        return peer;
    }

    @Override
    public Peer destinationOwner(ByteBuffer packet) {
        return switch (IpPackets.version(packet)) {
            case 4 -> ipv4Owners.get(IpPackets.ipv4Destination(packet));
            case 6 -> ipv6Owners.get(IpPackets.ipv6Text(IpPackets.ipv6DestinationHigh(packet),
                    IpPackets.ipv6DestinationLow(packet)));
            default -> null;
        };
    }

    private static final class TestPeer implements Peer {
        private final String name;
        private final Route.ToPeer route = new Route.ToPeer(this);

        TestPeer(String name) {
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
