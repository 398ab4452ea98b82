package io.lwt.testsupport;

import io.lwt.api.IpPackets;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import io.lwt.api.routing.Route;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/** A peer directory for testing routing policies: peers named by their IPv4 tunnel address. */
public final class TestPeers implements PeerDirectory {

    private final Map<Integer, Peer> owners = new HashMap<>();

    /** Adds a peer owning {@code address} (dotted quad) and returns it. */
    public Peer add(String address) {
        Peer peer = new TestPeer(address);
        owners.put(ByteBuffer.wrap(TestPackets.octets(address)).getInt(), peer);
        return peer;
    }

    @Override
    public Peer destinationOwner(ByteBuffer packet) {
        return IpPackets.version(packet) == 4 ? owners.get(IpPackets.ipv4Destination(packet)) : null;
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
