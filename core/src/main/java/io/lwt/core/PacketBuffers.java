package io.lwt.core;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of direct buffers, each with room for one message: {@link #HEADROOM} bytes before the packet (for the
 * type byte and the codec's header), the packet of up to {@code mtu} bytes, and {@link #TAILROOM} after it.
 * Buffers are made on demand up to a byte budget, so an idle node holds few; a packet that finds the pool
 * exhausted is dropped rather than growing memory without bound.
 */
final class PacketBuffers {

    /** Where a packet starts in every buffer; the type byte sits just before it. */
    static final int HEADROOM = 64;
    static final int TAILROOM = 64;
    /** Direct memory the pool may hold in all, in-flight buffers included. */
    static final long BUDGET_BYTES = 128L << 20;

    private final int bufferSize;
    private final int maxBuffers;
    private final ArrayBlockingQueue<ByteBuffer> free;
    private final AtomicInteger allocated = new AtomicInteger();

    PacketBuffers(int mtu) {
        this.bufferSize = HEADROOM + mtu + TAILROOM;
        this.maxBuffers = (int) Math.max(256, BUDGET_BYTES / bufferSize);
        this.free = new ArrayBlockingQueue<>(maxBuffers);
    }

    /** A buffer positioned at {@link #HEADROOM} with its limit at the end of the packet area, or null if exhausted. */
    ByteBuffer acquire() {
        ByteBuffer buffer = free.poll();
        if (buffer == null) {
            if (allocated.incrementAndGet() > maxBuffers) {
                allocated.decrementAndGet();
                return null;
            }
            buffer = ByteBuffer.allocateDirect(bufferSize);
        }
        return buffer.limit(bufferSize - TAILROOM).position(HEADROOM);
    }

    void release(ByteBuffer buffer) {
        if (!free.offer(buffer)) {
            allocated.decrementAndGet();
        }
    }

    /** Buffers currently made, free or in use. */
    int allocated() {
        return allocated.get();
    }
}
