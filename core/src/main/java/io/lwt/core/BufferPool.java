package io.lwt.core;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers of one size, made on demand up to a fixed number and reused. Direct memory is freed only when the
 * garbage collector happens to run, so buffers that come and go with packets or connections must be recycled, never
 * dropped: an exhausted pool says so ({@code null}) instead of growing.
 */
final class BufferPool {

    private final int bufferSize;
    private final int maxBuffers;
    private final ArrayBlockingQueue<ByteBuffer> free;
    private final AtomicInteger allocated = new AtomicInteger();

    BufferPool(int bufferSize, int maxBuffers) {
        this.bufferSize = bufferSize;
        this.maxBuffers = maxBuffers;
        this.free = new ArrayBlockingQueue<>(maxBuffers);
    }

    /** A cleared buffer, or null when all {@code maxBuffers} are in use. */
    ByteBuffer acquire() {
        ByteBuffer buffer = free.poll();
        if (buffer == null) {
            if (allocated.incrementAndGet() > maxBuffers) {
                allocated.decrementAndGet();
                return null;
            }
            buffer = ByteBuffer.allocateDirect(bufferSize);
        }
        return buffer.clear();
    }

    void release(ByteBuffer buffer) {
        free.offer(buffer); // never full: at most maxBuffers exist
    }

    int bufferSize() {
        return bufferSize;
    }

    /** Buffers made so far, free or in use. */
    int allocated() {
        return allocated.get();
    }
}
