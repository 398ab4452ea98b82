package io.lwt.api.routing;

import java.nio.ByteBuffer;

/**
 * Decides where a packet goes on a hub. Called on the hot path from several threads at once: implementations are
 * immutable, allocate nothing per packet, and only read the packet ({@code position..limit}, unchanged on return).
 *
 * <p>Packets are IPv4 or IPv6 and are routed by destination alike ({@link PeerDirectory#destinationOwner}). The engine
 * has already dropped what no policy should forward: packets from a peer with a source it does not own, and IPv6
 * link-local and multicast packets (each link's own traffic, such as router solicitations).
 */
public interface RoutingPolicy {

    /** A packet that arrived from a connected peer. */
    Route fromPeer(Peer source, ByteBuffer packet, PeerDirectory peers);

    /** A packet that the hub's own TUN device produced. */
    Route fromTun(ByteBuffer packet, PeerDirectory peers);
}
