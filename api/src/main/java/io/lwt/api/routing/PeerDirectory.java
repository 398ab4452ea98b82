package io.lwt.api.routing;

import java.nio.ByteBuffer;

/** The hub's table of which peer owns which tunnel address. Safe to read from any thread. */
public interface PeerDirectory {

    /**
     * The peer that owns the packet's destination address, or {@code null} when none does (including
     * packets that are not valid IP).
     */
    Peer destinationOwner(ByteBuffer packet);
}
