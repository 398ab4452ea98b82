package io.lwt.core;

import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.tun.VirtioNetHeader;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * What all sessions of one node share.
 *
 * @param platformThreads whether established sessions run on platform threads now, rather than virtual ones (see
 *     {@link Link}); asked once per read and per write
 * @param superSegments whether sessions are authenticated: they offer to take {@link Messages#DATA_GSO} and seal
 *     every message after the handshake (the original program's peers know neither)
 * @param clock the nanosecond clock of keepalives, timeouts and rekeying ({@code System::nanoTime}; tests may give
 *     their own)
 */
record SessionContext(
        Codec codec,
        Side side,
        int mtu,
        boolean superSegments,
        SessionSettings settings,
        Duration handshakeTimeout,
        PacketBuffers packets,
        BufferPool receiveBuffers,
        TunWriter tun,
        Counters counters,
        SessionHandler handler,
        BooleanSupplier platformThreads,
        LongSupplier clock,
        SessionKeys.Rekeying rekeying) {

    /** The longest message a session takes: a packet of the MTU, or a sealed super-segment. */
    int maxMessageLength() {
        return superSegments ? 1 + VirtioNetHeader.LENGTH + PacketBuffers.MAX_PACKET + SessionKeys.TAG : 1 + mtu;
    }

    /** The tailroom pooled buffers need after a packet: the codec's, and a sealed session's tag before it. */
    static int tailroom(Codec codec, boolean sealed) {
        return codec.tailroom() + (sealed ? SessionKeys.TAG : 0);
    }

    /**
     * A pool of receive buffers for up to {@code sessions} sessions at once, each with room for two of the largest
     * frames (so a partial frame can always be completed) and at least 64 KiB (so one read takes many packets).
     *
     * @param superSegments whether sessions take {@link Messages#DATA_GSO}, whose packets may be 64 KiB, sealed
     */
    static BufferPool receiveBuffers(Codec codec, int mtu, boolean superSegments, int sessions) {
        int packet = superSegments ? VirtioNetHeader.LENGTH + Math.max(mtu, PacketBuffers.MAX_PACKET) + SessionKeys.TAG
                : mtu;
        int size = Math.max(64 * 1024, 2 * (codec.headroom() + 1 + packet + codec.tailroom()));
        return new BufferPool(size, sessions);
    }
}
