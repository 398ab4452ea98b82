package io.lwt.core;

import io.lwt.api.ProtocolException;
import io.lwt.api.Side;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import io.lwt.api.transport.Connection;
import io.lwt.api.tun.VirtioNetHeader;
import io.lwt.core.handshake.HandshakeMessage;
import io.lwt.core.noise.NoiseException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A session's connection and the two threads that pump it. The reader runs the codec's preamble, then reads, decodes
 * every complete frame of each read and hands each message to the {@link Receiver}. The writer takes batches from the
 * {@link SendQueue}, frames each message in place and sends the batch with one gathering write. Senders (any thread:
 * the TUN reader, other sessions' readers, the ticker) {@link #offer} messages, or on a client {@link #writeNow}.
 * {@link #close} may come from any thread, once; the receiver then hears of it exactly once.
 *
 * <p>On a connection that {@linkplain Connection#carriesDatagrams carries datagrams} each read is one message and
 * nothing is framed ({@link DatagramFramer}). Since anyone may send a datagram, one that fails once the session has
 * keys (forged, replayed, damaged, or a late copy of a handshake message) is dropped and counted as
 * {@code datagram-refused}, and neither ends the session nor counts as hearing from the peer; one that opens tells the
 * connection where the peer is now ({@link Connection#authenticated}). Before the keys, a hub ends a session whose
 * first message fails, since that message alone made the session, and a client drops it and waits for its answer.
 *
 * <p>Both pumps of an established session go on in platform threads while the node's
 * {@link SessionContext#platformThreads} says so, and back in virtual threads when it no longer does: a blocking read in
 * a platform thread wakes the thread itself, where a virtual thread waits for the poller thread to wake it first, which
 * costs an idle hub about a tenth of a millisecond per packet. A client always has one session; a hub only while it
 * has few: with many busy sessions on few cores the kernel's scheduler starved some sessions of platform threads
 * (Jain's fairness index 0.19 to 0.67 against 0.91 in the load test), where the virtual-thread scheduler shares
 * fairly; and connections that never authenticate cost no platform threads.
 */
final class Link {

    /** What the session does with what its link reads, and with the link's end. */
    interface Receiver {
        /** The codec is ready: the reader now reads messages. */
        void opened() throws IOException;

        /** A message at {@code position..limit}, valid only during the call, which leaves them as they were. */
        void message(ByteBuffer message) throws IOException;

        /** Whether the handshake has finished; the pumps may change threads only then. */
        boolean isEstablished();

        /** The session column of log lines. */
        String logLabel();

        /** The link closed for {@code reason}; called once. */
        void closed(String reason);
    }

    private static final System.Logger LOG = System.getLogger(Link.class.getName());
    /** The most messages framed and sent with one gathering write. */
    static final int BATCH = 64;
    /**
     * The bytes of one gathering write, at least one message: a small packet queued behind a batch waits for the
     * whole batch to enter the socket, about 0.3 ms at 3 Gbit/s for this much.
     */
    static final int BATCH_BYTES = 128 << 10;
    /** How long a connection sends nothing before a packet skips the queue (see {@link #writeNow}). */
    static final Duration IDLE = Duration.ofMillis(1);
    /** Queued in place of {@link #rest}, so that what is queued after it waits for it. */
    private static final ByteBuffer REST = ByteBuffer.allocate(0);

    private final Connection connection;
    private final boolean datagrams;
    private final SessionContext context;
    private final int maxMessageLength;
    private final ByteBuffer inbound;
    private final SendQueue queue;
    private final Liveness liveness;
    private final Traffic traffic;
    private final Receiver receiver;
    private final MessageSink sink;
    /** Held while framing and writing: the framer and the connection take one writer at a time. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer[] one = new ByteBuffer[1]; // guarded by writeLock
    /** The rest of a frame {@link #writeNow} could not send whole, which the writer sends when it takes {@link #REST}. */
    private ByteBuffer rest; // guarded by writeLock
    /** False once the connection said it cannot write without blocking. */
    private volatile boolean writesWithoutBlocking = true;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set by whoever first owns the receive buffer's return: the reader, or close() before any reader. */
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private final String threadSuffix;
    private volatile Framer framer;
    /** Once the handshake is done: every message is sealed from then on, each way. */
    private volatile SessionKeys keys;
    private volatile Thread writer;
    private volatile String closeReason;
    /** When set, the writer closes the link with this reason once the queue is sent (after a REJECT, or draining). */
    private volatile String closeWhenSent;

    /** A link that owns {@code inbound}, a buffer of {@link SessionContext#receiveBuffers}, until it ends. */
    Link(Connection connection, SessionContext context, ByteBuffer inbound, Liveness liveness, Traffic traffic,
            Receiver receiver) {
        this.connection = connection;
        this.datagrams = connection.carriesDatagrams();
        this.context = context;
        this.maxMessageLength = context.maxMessageLength();
        this.inbound = inbound;
        this.queue = new SendQueue(context.settings().sendQueue(), context.settings().sendQueueBytes(), System::nanoTime,
                late -> {
                    context.packets().release(late);
                    context.counters().drop("queue-delay");
                });
        this.liveness = liveness;
        this.traffic = traffic;
        this.receiver = receiver;
        this.sink = this::received;
        this.threadSuffix = "-" + connection.remoteAddress();
    }

    Connection connection() {
        return connection;
    }

    /**
     * Seals every message from now on, and opens every one read after the current one: called by the reader as it
     * ends the handshake, after the last message sent in clear (the hub's RESPONSE) is queued and before any that is
     * not.
     */
    void protect(SessionKeys sessionKeys) {
        this.keys = sessionKeys;
    }

    /** The session's keys, or null before the handshake is done (and always in legacy mode). */
    SessionKeys keys() {
        return keys;
    }

    private void received(ByteBuffer message) throws IOException {
        SessionKeys k = keys;
        if (!datagrams) {
            if (k != null) {
                k.open(message);
            }
            receiver.message(message);
            return;
        }
        try {
            if (k != null) {
                k.open(message);
                connection.authenticated();
            }
            receiver.message(message);
            liveness.received();
        } catch (ProtocolException e) {
            if (k == null && context.side() == Side.SERVER) {
                throw e;
            }
            context.counters().drop("datagram-refused", receiver.logLabel() + ": " + e.getMessage());
        }
    }

    int queued() {
        return queue.size();
    }

    /** Starts the reader, which runs the codec's preamble and then starts the writer. */
    void start() {
        if (started.compareAndSet(false, true)) {
            Threads.virtual("lwt-session-reader" + threadSuffix).start(() -> LogContext.run(receiver::logLabel, this::readLoop));
        }
    }

    /**
     * Queues a message (a pooled buffer at {@code position..limit}, its type byte first) of a flow bucket (see
     * {@link SendQueue}); the link owns the buffer from now on. A message that does not fit is released and counted
     * as {@code dropReason}.
     */
    void offer(ByteBuffer message, int flow, String dropReason) {
        if (!queue.offer(message, flow)) {
            context.packets().release(message);
            context.counters().drop(dropReason);
            return;
        }
        if (closed.get()) {
            queue.clear(this::releaseQueued); // close() may have drained before this offer
        }
    }

    /**
     * Frames and writes a message in the calling thread when the connection is idle (nothing queued or being written,
     * nothing sent for {@link #IDLE}), and takes it; false when it must be queued instead. This saves an idle peer's
     * packet the hand-off to the writer thread, a wake-up that costs about 0.1 ms on an idle two-core VM. A busy
     * connection keeps the queue, where the writer gathers packets into one write per batch. A client writes as a
     * blocking write would, which stalls only its own traffic; a hub writes what the socket takes without blocking
     * ({@link Connection#writeWithoutBlocking}), so that a peer that stops reading cannot stall the reader of another,
     * and leaves the rest of the frame to the writer, which sends it before anything queued after it. A hub on a
     * transport that cannot write without blocking queues everything, as before.
     */
    boolean writeNow(ByteBuffer message) {
        boolean blocking = context.side() == Side.CLIENT;
        if (!blocking && !writesWithoutBlocking || !queue.isIdle() || liveness.sentWithin(IDLE)
                || !writeLock.tryLock()) {
            return false;
        }
        boolean whole = true;
        try {
            if (!queue.isIdle()) {
                return false; // the writer took a message after the first look; it goes first
            }
            one[0] = message;
            frame(one, 1);
            if (blocking) {
                connection.write(one, 0, 1);
            } else {
                if (connection.writeWithoutBlocking(one, 0, 1) < 0) {
                    writesWithoutBlocking = false; // this transport cannot: queue from the next message on
                }
                if (message.hasRemaining()) { // framed and sealed: the writer sends the rest before anything else
                    whole = false;
                    rest = message;
                    queue.offer(REST, SendQueue.CONTROL); // the queue is idle, so it takes it, and first
                }
            }
        } catch (IOException | RuntimeException e) {
            close(closed.get() ? closeReason : "write failed: " + failure(e));
        } finally {
            one[0] = null;
            writeLock.unlock();
        }
        if (whole) {
            context.packets().release(message);
        }
        return true;
    }

    /** Makes the writer close the link with {@code reason} once what is queued, including what comes next, is sent. */
    void closeWhenSent(String reason) {
        closeWhenSent = reason;
    }

    boolean isClosed() {
        return closed.get();
    }

    String closeReason() {
        return closeReason;
    }

    /** Waits for the link to close; false when it is still open after {@code timeout}. */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    void awaitClosed() throws InterruptedException {
        done.await();
    }

    /** Closes the connection once; later calls do nothing. */
    void close(String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        try {
            connection.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing connection to {0}: {1}", connection.remoteAddress(), e.getMessage());
        }
        Thread w = writer;
        if (w != null) {
            w.interrupt();
        }
        queue.clear(this::releaseQueued);
        if (started.compareAndSet(false, true)) {
            context.receiveBuffers().release(inbound); // no reader ever ran
        }
        // the receiver first: whoever awaits the close (a node stopping) then finds it handled and logged
        LogContext.run(receiver::logLabel, () -> receiver.closed(reason));
        done.countDown();
    }

    private void readLoop() {
        boolean handedOver = false;
        try {
            if (framer == null) {
                framer = datagrams ? DatagramFramer.INSTANCE
                        : context.codec().open(connection, context.side(), maxMessageLength, inbound);
                writer = Threads.virtual("lwt-session-writer" + threadSuffix)
                        .start(() -> LogContext.run(receiver::logLabel, this::writeLoop));
                if (closed.get()) {
                    writer.interrupt();
                }
                receiver.opened();
            }
            while (!closed.get()) {
                if (changesThreadKind()) {
                    nextThreadKind("lwt-session-reader").start(() -> LogContext.run(receiver::logLabel, this::readLoop));
                    handedOver = true; // the receive buffer goes with it
                    return;
                }
                if (connection.read(inbound) < 0) {
                    close(receiver.isEstablished() ? "closed by peer"
                            : "closed by peer during the handshake (do both ends use the same transport and codec, "
                                    + "and the same keys?)");
                    return;
                }
                if (!datagrams) {
                    liveness.received(); // a datagram counts once it proved to be the peer's, see received()
                }
                inbound.flip();
                framer.decode(inbound, sink);
                inbound.compact();
                if (!inbound.hasRemaining()) {
                    throw new ProtocolException("frame larger than the receive buffer");
                }
            }
        } catch (ProtocolException e) {
            close("protocol error: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            close(closed.get() ? closeReason : "read failed: " + failure(e));
        } catch (Error e) {
            close("read failed: " + Nodes.describe(e)); // the session's resources go back; the thread's handler logs it
            throw e;
        } finally {
            if (!handedOver) {
                context.receiveBuffers().release(inbound);
            }
        }
    }

    /** Whether this established link's pump should go on in a thread of the other kind (see the class comment). */
    private boolean changesThreadKind() {
        return receiver.isEstablished() && context.platformThreads().getAsBoolean() == Thread.currentThread().isVirtual();
    }

    private Thread.Builder nextThreadKind(String name) {
        return Thread.currentThread().isVirtual() ? Threads.platform(name + threadSuffix)
                : Threads.virtual(name + threadSuffix);
    }

    private void writeLoop() {
        ByteBuffer[] batch = new ByteBuffer[BATCH];
        int n = 0;
        CoverTraffic cover = datagrams ? null : CoverTraffic.of(context.codec().chaffRate());
        int room = cover == null ? BATCH : BATCH - 1; // with cover traffic, one slot stays free for a cover frame
        try {
            while (!closed.get()) {
                if (changesThreadKind()) {
                    Thread next = nextThreadKind("lwt-session-writer")
                            .start(() -> LogContext.run(receiver::logLabel, this::writeLoop));
                    writer = next;
                    if (closed.get()) {
                        next.interrupt(); // close() may have interrupted this thread instead
                    }
                    return;
                }
                n = 0;
                // cover traffic only once established: to a stranger, a hub says nothing at all
                boolean covering = cover != null && receiver.isEstablished();
                ByteBuffer first = queue.takeFirst(covering ? Math.max(0, cover.nanosUntilDue()) : -1);
                if (first == REST) {
                    writeRest();
                    continue;
                }
                int taken = 0;
                writeLock.lock();
                try {
                    if (first != null) {
                        batch[0] = first;
                        n = taken = queue.fill(batch, 1, room, BATCH_BYTES);
                    }
                    if (covering && cover.isDue()) {
                        ByteBuffer frame = context.packets().acquire();
                        if (frame != null) {
                            batch[n++] = frame.limit(PacketBuffers.HEADROOM).position(PacketBuffers.HEADROOM);
                        }
                    }
                    if (n > 0) {
                        write(batch, n);
                    }
                } finally {
                    writeLock.unlock();
                    queue.written(taken);
                }
                n = release(batch, n);
                String reason = closeWhenSent;
                if (reason != null && queue.isEmpty()) {
                    close(reason);
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            close(closed.get() ? closeReason : "write failed: " + failure(e));
        } catch (Error e) {
            close("write failed: " + Nodes.describe(e));
            throw e;
        } finally {
            release(batch, n);
            writeLock.lock();
            try {
                if (rest != null) { // closed before the writer sent it
                    context.packets().release(rest);
                    rest = null;
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    private void releaseQueued(ByteBuffer message) {
        if (message != REST) { // the writer releases the rest of a frame when it ends
            context.packets().release(message);
        }
    }

    /** Sends what {@link #writeNow} left of a frame; what was queued after it waits. */
    private void writeRest() throws IOException {
        writeLock.lock();
        try {
            one[0] = rest;
            connection.write(one, 0, 1);
            context.packets().release(rest);
            rest = null;
        } finally {
            one[0] = null;
            writeLock.unlock();
            queue.written(1);
        }
    }

    /** Frames the messages and sends them with one gathering write; the caller holds the write lock. */
    private void write(ByteBuffer[] messages, int n) throws IOException {
        frame(messages, n);
        connection.write(messages, 0, n);
    }

    /**
     * Seals (once the handshake is done) and frames the messages in place, counted as sent; the caller holds the
     * write lock, and writes them next. Handshake messages and a codec's empty cover frames go as they are.
     */
    private void frame(ByteBuffer[] messages, int n) throws IOException {
        Framer f = framer;
        SessionKeys k = keys;
        long bytes = 0;
        int packets = 0;
        for (int i = 0; i < n; i++) {
            ByteBuffer message = messages[i];
            byte type = message.hasRemaining() ? message.get(message.position()) : 0;
            if (type == Messages.DATA || type == Messages.DATA_GSO) {
                packets++;
                bytes += message.remaining() - 1 - (type == Messages.DATA_GSO ? VirtioNetHeader.LENGTH : 0);
            }
            if (k != null && message.hasRemaining() && !HandshakeMessage.isHandshake(type)) {
                try {
                    k.seal(message);
                } catch (NoiseException e) {
                    throw new IOException("sealing failed: " + e.getMessage(), e);
                }
            }
            f.encode(message);
        }
        liveness.sent();
        traffic.sent(packets, bytes);
    }

    /**
     * Names a failure for the close line; a runtime exception, a bug of the codec or transport plugin (or the
     * engine's), is also counted, as {@code plugin-error}, since only this session ends for it.
     */
    private String failure(Exception e) {
        if (e instanceof RuntimeException && !closed.get()) {
            context.counters().drop("plugin-error");
        }
        return Nodes.describe(e);
    }

    private int release(ByteBuffer[] batch, int n) {
        for (int i = 0; i < n; i++) {
            context.packets().release(batch[i]);
            batch[i] = null;
        }
        return 0;
    }
}
