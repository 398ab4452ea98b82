package io.lwt.routing.isolated;

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
 * Routing policy {@code isolated}: clients reach only the hub. A client's packet for any client address is
 * dropped here, before the hub's kernel could route it back out of the TUN device when IP forwarding is on. No keys.
 */
public final class IsolatedRoutingProvider implements RoutingProvider {

    @Override
    public String name() {
        return "isolated";
    }

    @Override
    public RoutingPolicy create(Config config) {
        config.requireOnly(Set.of());
        return new IsolatedRouting();
    }

    static final class IsolatedRouting implements RoutingPolicy {
        @Override
        public Route fromPeer(Peer source, ByteBuffer packet, PeerDirectory peers) {
            if (IpPackets.version(packet) == 0) {
                return Route.MALFORMED;
            }
            return peers.destinationOwner(packet) == null ? Route.TO_TUN : Route.ISOLATED;
        }

        @Override
        public Route fromTun(ByteBuffer packet, PeerDirectory peers) {
            Peer owner = peers.destinationOwner(packet);
            return owner == null ? Route.NO_ROUTE : owner.route();
        }
    }
}
