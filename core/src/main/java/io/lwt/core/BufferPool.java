package io.lwt.core;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Direct buffers of one size, made on demand up to a limit and reused. Direct memory is freed only when the
 * garbage collector happens to run, so buffers that come and go with packets or connections must be recycled, never
 * dropped: an exhausted pool says so ({@code null}) instead of growing. The free buffers are a stack under a lock,
 * which allocates nothing per acquire or release once it has grown (a concurrent linked queue made a node per
 * release, about 24 bytes a packet), and hands out the buffer used last, whose memory is likeliest in a cache.
 */
final class BufferPool {

    private final int bufferSize;
    private volatile int maxBuffers;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
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
        ByteBuffer buffer;
        lock.lock();
        try {
            buffer = free.pollFirst();
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            free.addFirst(buffer);
        } finally {
            lock.unlock();
        }
    }

    int bufferSize() {
        return bufferSize;
    }

    /** Buffers made so far, free or in use. */
    int allocated() {
        return allocated.get();
    }
}
