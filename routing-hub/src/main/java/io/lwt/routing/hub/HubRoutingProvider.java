package io.lwt.routing.hub;

import io.lwt.api.Config;
import io.lwt.api.IpPackets;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import io.lwt.api.routing.Route;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.api.routing.RoutingProvider;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Routing policy {@code hub}: a packet for another client's address goes to that client; everything else from a
 * client (the hub's own address, unknown destinations) goes to the hub's TUN device, whose kernel decides. No keys.
 */
public final class HubRoutingProvider implements RoutingProvider {

    @Override
    public String name() {
        return "hub";
    }

    @Override
    public RoutingPolicy create(Config config) {
        config.requireOnly(Set.of());
        return new HubRouting();
    }

    static final class HubRouting implements RoutingPolicy {
        @Override
        public Route fromPeer(Peer source, ByteBuffer packet, PeerDirectory peers) {
            if (IpPackets.version(packet) == 0) {
                return Route.MALFORMED;
            }
            Peer owner = peers.destinationOwner(packet);
            if (owner == null) {
                return Route.TO_TUN;
            }
            return owner == source ? Route.LOOP : owner.route();
        }

        @Override
        public Route fromTun(ByteBuffer packet, PeerDirectory peers) {
            Peer owner = peers.destinationOwner(packet);
            return owner == null ? Route.NO_ROUTE : owner.route();
        }
    }
}
