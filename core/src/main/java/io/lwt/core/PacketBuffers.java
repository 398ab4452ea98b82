package io.lwt.core;

import java.nio.ByteBuffer;

/**
 * Pooled direct buffers for one message each: {@link #HEADROOM} bytes before the packet (for the type byte and the
 * codec's header), the packet of up to {@code mtu} bytes, and the codec's tailroom after it (padding, trailers). A
 * packet that finds the pool exhausted is dropped rather than growing memory without bound.
 */
final class PacketBuffers {

    /** Where a packet starts in every buffer; the type byte sits just before it. */
    static final int HEADROOM = 64;
    /** The most tailroom a codec may ask for, so that one codec cannot make every pooled buffer huge. */
    static final int MAX_TAILROOM = 64 * 1024;
    /** Direct memory the pool may hold in all, in-flight buffers included. */
    static final long BUDGET_BYTES = 128L << 20;

    private final BufferPool pool;
    private final int tailroom;

    /** Buffers for packets of up to {@code mtu} bytes with {@code tailroom} bytes after each (the codec's). */
    PacketBuffers(int mtu, int tailroom) {
        if (tailroom < 0 || tailroom > MAX_TAILROOM) {
            throw new IllegalArgumentException("tailroom " + tailroom + " outside 0.." + MAX_TAILROOM);
        }
        int size = HEADROOM + mtu + tailroom;
        this.tailroom = tailroom;
        this.pool = new BufferPool(size, (int) Math.max(256, BUDGET_BYTES / size));
    }

    /** A buffer positioned at {@link #HEADROOM} with its limit at the end of the packet area, or null if exhausted. */
    ByteBuffer acquire() {
        ByteBuffer buffer = pool.acquire();
        return buffer == null ? null : reset(buffer);
    }

    /** Positions a buffer of this pool for a new packet, as {@link #acquire} hands it out. */
    ByteBuffer reset(ByteBuffer buffer) {
        return buffer.limit(buffer.capacity() - tailroom).position(HEADROOM);
    }

    void release(ByteBuffer buffer) {
        pool.release(buffer);
    }

    /** Buffers currently made, free or in use. */
    int allocated() {
        return pool.allocated();
    }
}
