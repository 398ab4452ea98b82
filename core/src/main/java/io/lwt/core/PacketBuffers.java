package io.lwt.core;

import io.lwt.api.tun.TunOptions;
import io.lwt.api.tun.VirtioNetHeader;
import java.nio.ByteBuffer;

/**
 * Pooled direct buffers for one message each: {@link #HEADROOM} bytes before the packet (for the type byte, a
 * virtio-net header and the codec's header), the packet, and the codec's tailroom after it (padding, trailers). Two
 * sizes: packets of up to {@code mtu} bytes, and, made only when used, large buffers for TCP super-segments of up to
 * {@link #MAX_PACKET} bytes. A packet that finds its pool exhausted is dropped rather than growing memory without
 * bound.
 */
final class PacketBuffers {

    /** Where a packet starts in every buffer; the type byte (and a super-segment's header) sit just before it. */
    static final int HEADROOM = 64;
    /** The largest packet: a TCP super-segment from a TUN device with offloads. */
    static final int MAX_PACKET = TunOptions.MAX_MTU;
    /** The most tailroom a codec may ask for, so that one codec cannot make every pooled buffer huge. */
    static final int MAX_TAILROOM = 64 * 1024;
    /** Direct memory the pool of MTU-sized buffers may hold, in-flight buffers included. */
    static final long BUDGET_BYTES = 128L << 20;
    /** Direct memory the pool of large buffers may hold (with the other, the receive buffers and slack: 256 MiB). */
    static final long LARGE_BUDGET_BYTES = 64L << 20;

    private final int mtu;
    private final BufferPool pool;
    private final BufferPool large;
    private final int tailroom;

    /** Buffers for packets of up to {@code mtu} bytes with {@code tailroom} bytes after each (the codec's). */
    PacketBuffers(int mtu, int tailroom) {
        if (tailroom < 0 || tailroom > MAX_TAILROOM) {
            throw new IllegalArgumentException("tailroom " + tailroom + " outside 0.." + MAX_TAILROOM);
        }
        this.mtu = mtu;
        this.tailroom = tailroom;
        int size = HEADROOM + mtu + tailroom;
        int largeSize = HEADROOM + Math.max(mtu, MAX_PACKET) + tailroom;
        this.pool = new BufferPool(size, (int) Math.max(256, BUDGET_BYTES / size));
        this.large = largeSize == size ? pool : new BufferPool(largeSize, (int) Math.max(64, LARGE_BUDGET_BYTES / largeSize));
    }

    /**
     * A buffer for a packet of up to the MTU, positioned at {@link #HEADROOM} with its limit at the end of the packet
     * area, or null if exhausted.
     */
    ByteBuffer acquire() {
        ByteBuffer buffer = pool.acquire();
        return buffer == null ? null : reset(buffer);
    }

    /** Like {@link #acquire()}, for a packet of {@code length} bytes, up to {@link #MAX_PACKET}. */
    ByteBuffer acquire(int length) {
        ByteBuffer buffer = length <= mtu ? pool.acquire() : large.acquire();
        return buffer == null ? null : reset(buffer);
    }

    /**
     * A copy of the packet at {@code position..limit} (a view owned by someone else) in a buffer of its size, with the
     * {@link VirtioNetHeader} just before it when {@code withHeader}; null when the pool is exhausted.
     */
    ByteBuffer copyOf(ByteBuffer packet, boolean withHeader) {
        int length = packet.remaining();
        ByteBuffer copy = acquire(length);
        if (copy != null) {
            int at = copy.position();
            int header = withHeader ? VirtioNetHeader.LENGTH : 0;
            copy.put(at - header, packet, packet.position() - header, header + length).limit(at + length);
        }
        return copy;
    }

    /** Positions a buffer of this pool for a new packet, as {@link #acquire} hands it out. */
    ByteBuffer reset(ByteBuffer buffer) {
        return buffer.limit(buffer.capacity() - tailroom).position(HEADROOM);
    }

    void release(ByteBuffer buffer) {
        (buffer.capacity() == pool.bufferSize() ? pool : large).release(buffer);
    }

    int mtu() {
        return mtu;
    }

    /** Buffers currently made, free or in use, of both sizes. */
    int allocated() {
        return pool.allocated() + (large == pool ? 0 : large.allocated());
    }
}
