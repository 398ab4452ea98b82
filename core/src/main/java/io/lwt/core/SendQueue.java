package io.lwt.core;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The queue between a session's senders and its writer. Any thread offers (the TUN reader, other sessions' readers,
 * the ticker); only the link's writer takes. It also counts the messages not yet written, queued or taken, which is
 * zero exactly when the connection is idle (see {@link Link#writeNow}).
 *
 * <p>Two lanes, so that a ping, a TCP acknowledgement, a DNS query or a keystroke does not wait behind a bulk flow,
 * as in fq_codel's new flows. A small message goes to the <em>sparse</em> lane, which the writer takes first, while
 * no message of its flow waits in the <em>bulk</em> lane; everything else goes to bulk. So no flow's messages are
 * reordered: a flow hash collision only sends a small message to bulk. Messages that are not packets form one flow,
 * {@link #CONTROL}. A batch takes at most half its messages from the sparse lane while bulk waits, so a flood of
 * small packets cannot starve bulk.
 *
 * <p>The bulk lane is bounded by count and bytes, so that a peer that stops reading holds a bounded share of the
 * pool, and by time: CoDel (RFC 8289) drops packets at its head once the time they waited has stayed above
 * {@link #TARGET} for {@link #INTERVAL}, and then more often, so that a TCP flow inside backs off while the queue is
 * still short instead of when it is full, several milliseconds of traffic later.
 */
final class SendQueue {

    /** The flow of messages that are not packets (handshakes, keepalives): never dropped for their delay. */
    static final int CONTROL = 0;
    /** Flow buckets, {@link #CONTROL} included; few, since a collision costs only a small packet's lane. */
    static final int FLOWS = 64;
    /** The largest message the sparse lane takes: a type byte, a virtio header and a 300-byte packet. */
    static final int SPARSE_MAX_BYTES = 1 + 10 + 300;
    static final int SPARSE_CAPACITY = 64;
    /** CoDel's target and interval, RFC 8289's defaults: the interval covers the round trips of Internet paths. */
    static final long TARGET = TimeUnit.MILLISECONDS.toNanos(5);
    static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);
    /** Bytes in bulk under which CoDel never drops: one super-segment. */
    private static final int ONE_MESSAGE = 64 << 10;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Lane sparse = new Lane(SPARSE_CAPACITY);
    private final Lane bulk;
    /** Messages of each flow bucket in the bulk lane. */
    private final int[] inBulk = new int[FLOWS];
    private final long maxBytes;
    private final LongSupplier clock;
    private final Consumer<ByteBuffer> dropped;
    /** Bytes of the messages in each lane, as they were offered (before framing). */
    private long sparseBytes;
    private long bulkBytes;
    /** Messages offered and not yet written or dropped: queued, or taken by the writer and in its batch. */
    private volatile int unsent;
    // CoDel's state, named as in RFC 8289
    private long firstAboveTime;
    private long dropNext;
    private int count;
    private int lastCount;
    private boolean dropping;

    /**
     * A queue of at most {@code capacity} bulk messages and {@code maxBytes} in all, whose CoDel drops go to
     * {@code dropped} (which releases and counts them, under the queue's lock), timed by {@code clock} (nanoseconds).
     */
    SendQueue(int capacity, long maxBytes, LongSupplier clock, Consumer<ByteBuffer> dropped) {
        this.bulk = new Lane(capacity);
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.dropped = dropped;
    }

    /** The bucket of a flow hash (see {@link FlowHash}), never {@link #CONTROL}. */
    static int bucket(int flowHash) {
        return 1 + Math.floorMod(flowHash, FLOWS - 1);
    }

    /**
     * Queues a message of flow bucket {@code flow} unless the queue is full by count or by bytes; the caller keeps a
     * message that is refused.
     */
    boolean offer(ByteBuffer message, int flow) {
        int size = message.remaining();
        lock.lock();
        try {
            if (sparseBytes + bulkBytes + size > maxBytes) {
                return false;
            }
            if (size <= SPARSE_MAX_BYTES && inBulk[flow] == 0 && sparse.offer(message, flow, 0)) {
                sparseBytes += size; // sparse messages wait too briefly for CoDel: no time kept
            } else if (bulk.offer(message, flow, clock.getAsLong())) {
                inBulk[flow]++;
                bulkBytes += size;
            } else {
                return false;
            }
            unsent++;
            notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The first message of a batch: waits for one, up to {@code timeoutNanos} when it is not negative. */
    ByteBuffer takeFirst(long timeoutNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long nanos = timeoutNanos;
            while (true) {
                if (isEmpty()) {
                    if (timeoutNanos < 0) {
                        notEmpty.await();
                    } else if (nanos <= 0) {
                        return null;
                    } else {
                        nanos = notEmpty.awaitNanos(nanos);
                    }
                    continue;
                }
                ByteBuffer message = sparse.size > 0 ? takeSparse() : takeBulk();
                if (message != null) { // null: CoDel dropped what bulk held
                    return message;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fills {@code batch[from..max)} with what is queued, up to {@code maxBytes} in all unless that is less than one
     * message, {@code batch[0..from)} being messages already taken; returns the batch's length.
     */
    int fill(ByteBuffer[] batch, int from, int max, int maxBytes) {
        lock.lock();
        try {
            int n = from;
            long taken = 0;
            for (int i = 0; i < from; i++) {
                taken += batch[i].remaining();
            }
            int sparseShare = max / 2;
            while (n < max && taken < maxBytes && !isEmpty()) {
                boolean fromSparse = sparse.size > 0 && (sparseShare > 0 || bulk.size == 0);
                ByteBuffer next = fromSparse ? takeSparse() : takeBulk();
                if (next != null) {
                    sparseShare -= fromSparse ? 1 : 0;
                    taken += next.remaining();
                    batch[n++] = next;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The writer wrote (or dropped) {@code n} messages it had taken. */
    void written(int n) {
        lock.lock();
        try {
            unsent -= n;
        } finally {
            lock.unlock();
        }
    }

    /** Whether nothing is queued or being written. */
    boolean isIdle() {
        return unsent == 0;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    int size() {
        lock.lock();
        try {
            return sparse.size + bulk.size;
        } finally {
            lock.unlock();
        }
    }

    /** Removes what is queued, handing each message to {@code release}. */
    void clear(Consumer<ByteBuffer> release) {
        lock.lock();
        try {
            while (sparse.size > 0) {
                unsent--;
                release.accept(takeSparse());
            }
            while (bulk.size > 0) {
                unsent--;
                release.accept(removeBulkHead());
            }
        } finally {
            lock.unlock();
        }
    }

    private ByteBuffer takeSparse() {
        ByteBuffer message = sparse.take();
        sparseBytes -= message.remaining();
        return message;
    }

    /** The head of bulk after CoDel's drops (RFC 8289's dequeue); null when bulk is empty after them. */
    private ByteBuffer takeBulk() {
        long now = clock.getAsLong();
        boolean okToDrop = headIsLate(now);
        ByteBuffer message = removeBulkHead();
        if (dropping) {
            if (!okToDrop) {
                dropping = false;
            }
            while (dropping && now - dropNext >= 0 && isPacket(message)) {
                drop(message);
                count++;
                okToDrop = headIsLate(now);
                message = removeBulkHead();
                if (okToDrop) {
                    dropNext = controlLaw(dropNext, count);
                } else {
                    dropping = false;
                }
            }
        } else if (okToDrop && isPacket(message)) {
            drop(message);
            headIsLate(now); // keeps firstAboveTime current, as RFC 8289's second dodequeue does
            message = removeBulkHead();
            dropping = true;
            int delta = count - lastCount;
            count = delta > 1 && now - dropNext < 16 * INTERVAL ? delta : 1;
            dropNext = controlLaw(now, count);
            lastCount = count;
        }
        return message;
    }

    /**
     * RFC 8289's ok_to_drop for the head of bulk, judged before it is taken: it waited longer than the target, the
     * queue has stood above it for an interval, and more than one super-segment waits.
     */
    private boolean headIsLate(long now) {
        if (bulk.size == 0 || now - bulk.headTime() < TARGET || bulkBytes <= ONE_MESSAGE) {
            firstAboveTime = 0;
            return false;
        }
        if (firstAboveTime == 0) {
            firstAboveTime = now + INTERVAL;
            return false;
        }
        return now - firstAboveTime >= 0;
    }

    /** Whether the message {@link #removeBulkHead} returned last is a packet, which CoDel may drop. */
    private boolean isPacket(ByteBuffer message) {
        return message != null && bulk.lastFlow != CONTROL;
    }

    private void drop(ByteBuffer message) {
        unsent--;
        dropped.accept(message);
    }

    private ByteBuffer removeBulkHead() {
        if (bulk.size == 0) {
            return null;
        }
        ByteBuffer message = bulk.take();
        inBulk[bulk.lastFlow]--;
        bulkBytes -= message.remaining();
        return message;
    }

    private static long controlLaw(long t, int count) {
        return t + (long) (INTERVAL / Math.sqrt(count));
    }

    /**
     * A ring of messages with their flow buckets and the times they were queued, grown by doubling up to its capacity,
     * since most sessions never queue more than a few messages.
     */
    private static final class Lane {
        private static final int INITIAL = 16;
        private final int capacity;
        private ByteBuffer[] messages;
        private byte[] flows;
        private long[] times;
        private int head;
        private int size;
        /** The flow of the message {@link #take} returned last. */
        private int lastFlow;

        Lane(int capacity) {
            this.capacity = capacity;
            int initial = Math.min(capacity, INITIAL);
            messages = new ByteBuffer[initial];
            flows = new byte[initial];
            times = new long[initial];
        }

        boolean offer(ByteBuffer message, int flow, long time) {
            if (size == messages.length && !grow()) {
                return false;
            }
            int tail = (head + size) % messages.length;
            messages[tail] = message;
            flows[tail] = (byte) flow;
            times[tail] = time;
            size++;
            return true;
        }

        ByteBuffer take() {
            ByteBuffer message = messages[head];
            messages[head] = null;
            lastFlow = flows[head];
            head = (head + 1) % messages.length;
            size--;
            return message;
        }

        long headTime() {
            return times[head];
        }

        private boolean grow() {
            if (size == capacity) {
                return false;
            }
            int length = (int) Math.min(capacity, 2L * messages.length);
            ByteBuffer[] m = new ByteBuffer[length];
            byte[] f = new byte[length];
            long[] t = new long[length];
            for (int i = 0; i < size; i++) {
                int from = (head + i) % messages.length;
                m[i] = messages[from];
                f[i] = flows[from];
                t[i] = times[from];
            }
            messages = m;
            flows = f;
            times = t;
            head = 0;
            return true;
        }
    }
}
