package io.lwt.api.routing;

import java.nio.ByteBuffer;

/** The hub's table of which peer owns which tunnel address. Safe to read from any thread. */
public interface PeerDirectory {

    /**
     * The peer that owns the packet's destination address, IPv4 or IPv6: a peer's own tunnel address, or else the
     * longest matching subnet declared behind a peer. {@code null} when none does (including packets that are not
     * valid IP).
     */
    Peer destinationOwner(ByteBuffer packet);
}
