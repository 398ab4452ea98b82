package io.lwt.core;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers of one size, made on demand up to a limit and reused. Direct memory is freed only when the
 * garbage collector happens to run, so buffers that come and go with packets or connections must be recycled, never
 * dropped: an exhausted pool says so ({@code null}) instead of growing.
 */
final class BufferPool {

    private final int bufferSize;
    private volatile int maxBuffers;
    private final Queue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger allocated = new AtomicInteger();

    BufferPool(int bufferSize, int maxBuffers) {
        this.bufferSize = bufferSize;
        this.maxBuffers = maxBuffers;
    }

    /** Changes the limit; buffers already made beyond a lower one stay in use (a hub's max-clients after a reload). */
    void limit(int maxBuffers) {
        this.maxBuffers = maxBuffers;
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
        free.offer(buffer);
    }

    int bufferSize() {
        return bufferSize;
    }

    /** Buffers made so far, free or in use. */
    int allocated() {
        return allocated.get();
    }
}
