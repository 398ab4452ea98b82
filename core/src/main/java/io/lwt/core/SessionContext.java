package io.lwt.core;

import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import java.time.Duration;

/** What all sessions of one node share. */
record SessionContext(
        Codec codec,
        Side side,
        int mtu,
        SessionSettings settings,
        Duration handshakeTimeout,
        PacketBuffers packets,
        BufferPool receiveBuffers,
        TunWriter tun,
        Counters counters,
        Session.Handler handler) {

    /**
     * A pool of receive buffers for up to {@code sessions} sessions at once, each with room for two of the largest
     * frames (so a partial frame can always be completed) and at least 64 KiB (so one read takes many packets).
     */
    static BufferPool receiveBuffers(Codec codec, int mtu, int sessions) {
        int size = Math.max(64 * 1024, 2 * (codec.headroom() + 1 + mtu + codec.tailroom()));
        return new BufferPool(size, sessions);
    }
}
