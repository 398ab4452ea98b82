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
 * @param superSegments whether sessions offer to take {@link Messages#DATA_GSO} (authenticated ones; the original
 *     program's peers know only {@link Messages#DATA})
 * @param platformThreads whether established sessions run on platform threads now, rather than virtual ones (see
 *     {@link Link}); asked once per read and per write
 * @param clock the nanosecond clock of keepalives and timeouts ({@code System::nanoTime}; tests may give their own)
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
        LongSupplier clock) {

    /**
     * A pool of receive buffers for up to {@code sessions} sessions at once, each with room for two of the largest
     * frames (so a partial frame can always be completed) and at least 64 KiB (so one read takes many packets).
     *
     * @param superSegments whether sessions take {@link Messages#DATA_GSO}, whose packets may be 64 KiB
     */
    static BufferPool receiveBuffers(Codec codec, int mtu, boolean superSegments, int sessions) {
        int packet = superSegments ? VirtioNetHeader.LENGTH + Math.max(mtu, PacketBuffers.MAX_PACKET) : mtu;
        int size = Math.max(64 * 1024, 2 * (codec.headroom() + 1 + packet + codec.tailroom()));
        return new BufferPool(size, sessions);
    }
}
