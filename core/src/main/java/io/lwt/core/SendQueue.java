package io.lwt.core;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded queue between a session's senders and its writer, bounded by count and by bytes, so that one slow peer
 * holds a bounded share of the pool. Any thread offers (the TUN reader, other sessions' readers, the ticker); only the
 * link's writer takes. It also counts the messages not yet written, queued or taken, which is zero exactly when the
 * connection is idle (see {@link Link#writeNow}).
 */
final class SendQueue {

    private final ArrayBlockingQueue<ByteBuffer> messages;
    private final long maxBytes;
    /** Bytes of the messages in the queue, as they were offered (before framing). */
    private final AtomicLong bytes = new AtomicLong();
    /** Messages offered and not yet written: queued, or taken by the writer and in its batch. */
    private final AtomicInteger unsent = new AtomicInteger();

    SendQueue(int capacity, long maxBytes) {
        this.messages = new ArrayBlockingQueue<>(capacity);
        this.maxBytes = maxBytes;
    }

    /** Queues a message unless the queue is full by count or by bytes; the caller keeps a message that is refused. */
    boolean offer(ByteBuffer message) {
        int size = message.remaining();
        unsent.incrementAndGet(); // before the writer can take it
        if (bytes.addAndGet(size) > maxBytes || !messages.offer(message)) {
            bytes.addAndGet(-size);
            unsent.decrementAndGet();
            return false;
        }
        return true;
    }

    /** The first message of a batch: waits for one, up to {@code timeoutNanos} when it is not negative. */
    ByteBuffer takeFirst(long timeoutNanos) throws InterruptedException {
        return timeoutNanos < 0 ? messages.take() : messages.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Fills {@code batch[from..max)} with what is queued and removes the bytes of {@code batch[0..n)} from the bound,
     * {@code batch[0..from)} being messages already taken; returns {@code n}, the batch's length.
     */
    int fill(ByteBuffer[] batch, int from, int max) {
        int n = from;
        while (n < max && (batch[n] = messages.poll()) != null) {
            n++;
        }
        long taken = 0;
        for (int i = 0; i < n; i++) {
            taken += batch[i].remaining();
        }
        bytes.addAndGet(-taken);
        return n;
    }

    /** The writer wrote (or dropped) {@code n} messages it had taken. */
    void written(int n) {
        unsent.addAndGet(-n);
    }

    /** Whether nothing is queued or being written. */
    boolean isIdle() {
        return unsent.get() == 0;
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    int size() {
        return messages.size();
    }

    /** Removes what is queued, handing each message to {@code release}. */
    void clear(java.util.function.Consumer<ByteBuffer> release) {
        ByteBuffer b;
        while ((b = messages.poll()) != null) {
            release.accept(b);
        }
    }
}
