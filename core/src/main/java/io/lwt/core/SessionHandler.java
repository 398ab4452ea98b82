package io.lwt.core;

import io.lwt.api.tun.VirtioNetHeader;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a node does with its sessions' handshakes, traffic and ends. Called by each session's reader thread, except
 * {@link #closed}, which comes from whichever thread closed the session.
 */
interface SessionHandler {

    /**
     * The codec is ready: a hub challenges here, a legacy session is established at once. Returns the handshake that
     * takes the session's handshake messages from now on, or null when it takes none (it is established).
     */
    Opening opened(Session session) throws IOException;

    /**
     * A packet from the peer at {@code position..limit}; valid only during the call. With {@code withHeader} its
     * {@link VirtioNetHeader} lies just before the position (it came as {@link Messages#DATA_GSO}).
     */
    void packet(Session from, ByteBuffer packet, boolean withHeader) throws IOException;

    void closed(Session session, String reason);
}
