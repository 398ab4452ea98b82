package io.lwt.core;

import java.nio.ByteBuffer;

/**
 * Pooled direct buffers for one message each: {@link #HEADROOM} bytes before the packet (for the type byte and the
 * codec's header), the packet of up to {@code mtu} bytes, and {@link #TAILROOM} after it. A packet that finds the
 * pool exhausted is dropped rather than growing memory without bound.
 */
final class PacketBuffers {

    /** Where a packet starts in every buffer; the type byte sits just before it. */
    static final int HEADROOM = 64;
    static final int TAILROOM = 64;
    /** Direct memory the pool may hold in all, in-flight buffers included. */
    static final long BUDGET_BYTES = 128L << 20;

    private final BufferPool pool;

    PacketBuffers(int mtu) {
        int size = HEADROOM + mtu + TAILROOM;
        this.pool = new BufferPool(size, (int) Math.max(256, BUDGET_BYTES / size));
    }

    /** A buffer positioned at {@link #HEADROOM} with its limit at the end of the packet area, or null if exhausted. */
    ByteBuffer acquire() {
        ByteBuffer buffer = pool.acquire();
        return buffer == null ? null : buffer.limit(pool.bufferSize() - TAILROOM).position(HEADROOM);
    }

    void release(ByteBuffer buffer) {
        pool.release(buffer);
    }

    /** Buffers currently made, free or in use. */
    int allocated() {
        return pool.allocated();
    }
}
