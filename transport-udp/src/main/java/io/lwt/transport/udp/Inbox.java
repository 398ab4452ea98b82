package io.lwt.transport.udp;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The datagrams a hub's receiving thread found for one connection, until the connection's reader takes them: a ring
 * of bytes with one writer (the hub's receiving thread) and one reader (the session's), which allocates nothing per
 * datagram. A datagram that finds the ring full is dropped, as a full socket buffer would drop it.
 *
 * <p>Each record is a length, a flag and the datagram, 4-byte aligned; a length of -1 says the rest of the array is
 * unused and the next record starts at 0. A datagram from somewhere else than the connection's peer carries the flag,
 * and its source waits in a queue beside the ring, in the same order.
 */
final class Inbox {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    /** What {@link #take} returns once the ring is retired and empty: the next datagram is in another ring. */
    static final int RETIRED = -2;
    private static final int RECORD_HEADER = 8;
    private static final int WRAP = -1;

    private final byte[] ring;
    private final MemorySegment ringSegment;
    private final int mask;
    private final Queue<InetSocketAddress> otherSources = new ConcurrentLinkedQueue<>();
    private volatile long head; // the reader's
    private volatile long tail; // the writer's
    private volatile Thread waiting;
    private volatile boolean closed;
    private volatile boolean retired;
    private InetSocketAddress lastSource; // the reader's: where the datagram read last came from, if not the peer

    /** @param capacity bytes, a power of two */
    Inbox(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity " + capacity + " is not a power of two");
        }
        this.ring = new byte[capacity];
        this.ringSegment = MemorySegment.ofArray(ring);
        this.mask = capacity - 1;
    }

    /**
     * Adds a datagram; the writer's only.
     *
     * @param from where it came from when that is not the connection's peer, else null
     * @return false when it did not fit, and was dropped
     */
    boolean offer(MemorySegment source, long offset, int length, InetSocketAddress from) {
        int need = RECORD_HEADER + ((length + 3) & ~3);
        long t = tail;
        int at = (int) (t & mask);
        int contiguous = ring.length - at;
        long skip = contiguous < need ? contiguous : 0;
        if (t + skip + need - head > ring.length) {
            return false;
        }
        if (skip > 0) {
            INT.set(ring, at, WRAP);
            at = 0;
        }
        INT.set(ring, at, length);
        INT.set(ring, at + 4, from == null ? 0 : 1);
        MemorySegment.copy(source, offset, ringSegment, at + RECORD_HEADER, length);
        if (from != null) {
            otherSources.add(from);
        }
        tail = t + skip + need;
        Thread w = waiting;
        if (w != null) {
            LockSupport.unpark(w);
        }
        return true;
    }

    /**
     * Moves the next datagram into {@code dst}, waiting for one; drops those longer than {@code dst}'s room. The
     * reader's only.
     *
     * @return its length, or {@link #RETIRED} when the ring is retired and empty
     * @throws ClosedChannelException once closed, also when datagrams were left
     */
    int take(ByteBuffer dst) throws IOException {
        while (true) {
            if (closed) {
                throw new ClosedChannelException();
            }
            long h = head;
            if (h == tail) {
                if (retired) {
                    return RETIRED;
                }
                await();
                continue;
            }
            int at = (int) (h & mask);
            int length = (int) INT.get(ring, at);
            if (length == WRAP) {
                head = h + (ring.length - at);
                continue;
            }
            boolean other = (int) INT.get(ring, at + 4) != 0;
            lastSource = other ? otherSources.poll() : null;
            boolean fits = length <= dst.remaining();
            if (fits) {
                dst.put(ring, at + RECORD_HEADER, length);
            }
            head = h + RECORD_HEADER + ((length + 3) & ~3);
            if (fits && length > 0) {
                return length;
            }
        }
    }

    /** Where the datagram read last came from if that was not the connection's peer, else null. */
    InetSocketAddress lastSource() {
        return lastSource;
    }

    private void await() throws IOException {
        waiting = Thread.currentThread();
        if (head == tail && !closed && !retired) {
            LockSupport.park(this);
        }
        waiting = null;
        if (Thread.currentThread().isInterrupted()) {
            throw new ClosedByInterruptException();
        }
    }

    /**
     * Takes no more datagrams in the writer's eyes (a datagram it offers after this may never be read) and, once
     * empty, sends the reader on ({@link #RETIRED}).
     */
    void retire() {
        retired = true;
        Thread w = waiting;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /** Wakes the reader, whose reads fail from now on. */
    void close() {
        closed = true;
        Thread w = waiting;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }
}
