package io.lwt.core;

import io.lwt.api.ProtocolException;
import io.lwt.api.Side;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.Route;
import io.lwt.api.transport.Connection;
import io.lwt.api.tun.VirtioNetHeader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection to a peer, on two threads (virtual, or platform threads once established while the node has few
 * sessions, see {@link #readLoop}): the reader decodes messages and hands packets to the {@link Handler}; the writer
 * drains a bounded send queue, framing each batch in place and sending it with one gathering write. A full queue
 * drops packets (counted), so a slow peer never stalls the sender. On a client, the TUN reader writes a packet itself
 * when nothing is queued or being written (see {@link #writeNow}).
 */
final class Session implements Peer {

    /** What a node does with a session's handshake, traffic and end. */
    interface Handler {
        /** The codec is ready: the hub challenges here, a legacy session is established at once. */
        void opened(Session session) throws IOException;

        /** A handshake message ({@link Messages#CHALLENGE} and the like) before the session is established. */
        void handshake(Session session, byte type, ByteBuffer body) throws IOException;

        /**
         * A packet from the peer at {@code position..limit}; valid only during the call. With {@code withHeader} its
         * {@link VirtioNetHeader} lies just before the position (it came as {@link Messages#DATA_GSO}).
         */
        void packet(Session from, ByteBuffer packet, boolean withHeader) throws IOException;

        void closed(Session session, String reason);
    }

    private static final System.Logger LOG = System.getLogger(Session.class.getName());
    /** The most packets framed and sent with one gathering write. */
    static final int BATCH = 64;
    private static final int PROBE_LENGTH = Long.BYTES;
    /** How long a connection sends nothing before a client's packet skips the queue (see {@link #writeNow}). */
    static final Duration IDLE = Duration.ofMillis(1);

    private final Connection connection;
    private final SessionContext context;
    private final int maxMessageLength;
    private final ArrayBlockingQueue<ByteBuffer> sendQueue;
    /** Bytes of the messages in the send queue, bounded by the settings' sendQueueBytes. */
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Messages queued or taken by the writer and not yet written: zero when the connection is idle. */
    private final AtomicInteger unsent = new AtomicInteger();
    /** Held while framing and writing: the framer and the connection take one writer at a time. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ByteBuffer[] one = new ByteBuffer[1]; // guarded by writeLock
    private final long maxQueuedBytes;
    private final InetSocketAddress remote;
    private final Route.ToPeer route = new Route.ToPeer(this);
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set by whoever first owns the receive buffer's return: the reader, or close() before any reader. */
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    private final ByteBuffer inbound;
    private final MessageSink sink = this::onMessage;

    private volatile Framer framer;
    private volatile Thread writer;
    private volatile String tunnelAddress;
    private volatile String addressText;
    private final java.time.Instant since = java.time.Instant.now();
    // Written by one thread each (reader: rx; whoever holds the write lock: tx) and read, possibly a little stale, for
    // status reports.
    private long rxPackets;
    private long rxBytes;
    private long txPackets;
    private long txBytes;
    private volatile long lastReceivedNanos = System.nanoTime();
    private volatile long lastSentNanos = System.nanoTime();
    private volatile String closeReason;
    /** Set once the handshake finished; data flows only then. */
    private volatile boolean established;
    /** Whether the peer takes {@link Messages#DATA_GSO}, as it said in the handshake; it then gets every packet so. */
    private volatile boolean peerTakesSuperSegments;
    /** Whether keepalives carry probes the peer echoes: authenticated sessions only (the original has no echo). */
    private volatile boolean probes;
    private long lastProbeNanos;
    /** The round-trip time of the last echoed probe, or -1 before the first echo. */
    private volatile long rttNanos = -1;
    /** When set, the writer closes the session with this reason once the queue is sent (after a REJECT). */
    private volatile String closeWhenSent;
    private volatile SessionSettings settings;
    private static final long RATE_INTERVAL = 1_000_000_000L;
    private long rateSampledNanos = System.nanoTime();
    private long rxSampled;
    private long txSampled;
    private volatile double rxRate;
    private volatile double txRate;
    private final long openedNanos = System.nanoTime();
    /** Hub side: the challenge sent, and the identity and source address that the handshake established. */
    private byte[] serverNonce;
    private volatile String identity;
    private volatile Sources sources = Sources.NONE;

    /** A session that owns {@code inbound}, a buffer of {@link SessionContext#receiveBuffers}, until it ends. */
    Session(Connection connection, SessionContext context, ByteBuffer inbound) {
        this.connection = connection;
        this.context = context;
        this.maxMessageLength = context.superSegments() ? 1 + VirtioNetHeader.LENGTH + PacketBuffers.MAX_PACKET
                : 1 + context.mtu();
        this.sendQueue = new ArrayBlockingQueue<>(context.settings().sendQueue());
        this.maxQueuedBytes = context.settings().sendQueueBytes();
        this.remote = connection.remoteAddress();
        this.inbound = inbound;
        this.settings = context.settings();
    }

    /** Starts the reader, which runs the codec's preamble and then starts the writer. */
    void start() {
        if (started.compareAndSet(false, true)) {
            Thread.ofVirtual().name("lwt-session-reader-" + remote)
                    .start(() -> LogContext.run(this::logLabel, this::readLoop));
        }
    }

    @Override
    public String name() {
        String address = tunnelAddress;
        return address == null ? remote.toString() : address + " (" + remote + ")";
    }

    /** The session column of log lines: the authenticated identity, else the remote address. */
    private String logLabel() {
        String id = identity;
        return id != null ? id : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    @Override
    public Route.ToPeer route() {
        return route;
    }

    InetSocketAddress remoteAddress() {
        return remote;
    }

    /** The peer's identity as the transport authenticated it (a client certificate), if it does. */
    java.util.Optional<String> peerIdentity() {
        return connection.peerIdentity();
    }

    /** Records the tunnel address the hub registered for this peer, for names in logs and status. */
    void tunnelAddress(String label, String address) {
        this.tunnelAddress = label;
        this.addressText = address;
    }

    NodeStatus.Peer status() {
        return new NodeStatus.Peer(identity, addressText, remote.toString(), since, rxPackets, rxBytes, txPackets, txBytes,
                rxRate, txRate, sendQueue.size(), rttNanos < 0 ? null : Duration.ofNanos(rttNanos));
    }

    boolean tunnelAddressUnknown() {
        return tunnelAddress == null;
    }

    boolean isEstablished() {
        return established;
    }

    /** Ends a legacy session's opening (no handshake): data may flow, keepalives carry no probe. */
    void establishLegacy(String identity) {
        this.identity = identity;
        this.established = true;
    }

    /** Ends the handshake on a client: data may flow, and keepalives measure the round-trip time. */
    void establish(String identity, boolean peerTakesSuperSegments) {
        establish(identity, Sources.NONE, peerTakesSuperSegments);
    }

    /** Ends the handshake; the hub names the identity and the source addresses it allows (its anti-spoofing). */
    void establish(String identity, Sources sources, boolean peerTakesSuperSegments) {
        this.identity = identity;
        this.sources = sources;
        this.peerTakesSuperSegments = peerTakesSuperSegments;
        this.probes = true;
        this.established = true;
    }

    /** Whether this peer may send the packet: its source is the peer's own address, or inside a subnet behind it. */
    boolean allowsSource(ByteBuffer packet) {
        return sources.allows(packet);
    }

    String identity() {
        return identity;
    }

    byte[] serverNonce() {
        return serverNonce;
    }

    void serverNonce(byte[] nonce) {
        this.serverNonce = nonce;
    }

    /** Keepalive and timeout as the hub's WELCOME set them, replacing the node's own. */
    void settings(SessionSettings settings) {
        this.settings = settings;
    }

    /** Queues a handshake message, its body written by {@code body}. */
    void sendHandshake(byte type, java.util.function.Consumer<ByteBuffer> body) {
        ByteBuffer message = context.packets().acquire();
        if (message == null) {
            close("no buffer for the handshake");
            return;
        }
        message.position(PacketBuffers.HEADROOM - 1);
        message.put(type);
        body.accept(message);
        message.limit(message.position()).position(PacketBuffers.HEADROOM - 1);
        enqueue(message, "queue-full");
    }

    /** Sends one last handshake message (a REJECT), then closes with {@code reason}. */
    void sendLastAndClose(byte type, java.util.function.Consumer<ByteBuffer> body, String reason) {
        closeWhenSent = reason; // before queueing, so the writer cannot miss it
        sendHandshake(type, body);
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes once the packets already queued are sent: a node shutting down delivers what it accepted. The keepalive
     * wakes a writer waiting on an empty queue, so that it sees the order.
     */
    void drainAndClose(String reason) {
        closeWhenSent = reason;
        sendKeepalive(System.nanoTime(), false);
    }

    /** Waits for the session to close; false when it is still open after {@code timeout}. */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /**
     * Queues a pooled buffer holding one packet at its position (with its {@link VirtioNetHeader} just before it when
     * {@code withHeader}); the session owns the buffer from now on, whether it is sent or dropped. A peer that takes
     * super-segments gets {@link Messages#DATA_GSO} (an empty header is added to a plain packet); another gets
     * {@link Messages#DATA}, super-segments cut into whole packets first. Before the handshake ends a packet is
     * dropped: the peer may receive data only after the WELCOME that the hub queues before it marks the session
     * established.
     */
    void send(ByteBuffer packet, boolean withHeader) {
        if (!established) {
            context.packets().release(packet);
            context.counters().drop("handshake-pending");
            return;
        }
        int start = packet.position();
        if (peerTakesSuperSegments) {
            if (!withHeader) {
                VirtioNetHeader.writeNone(packet, start - VirtioNetHeader.LENGTH);
            }
            packet.put(start - VirtioNetHeader.LENGTH - 1, Messages.DATA_GSO).position(start - VirtioNetHeader.LENGTH - 1);
        } else if (withHeader && Offloads.needsCutting(packet)) {
            try {
                Offloads.cut(packet, context.packets(), context.counters(), segment -> send(segment, false));
            } catch (IOException e) {
                throw new AssertionError(e); // queueing throws nothing
            } finally {
                context.packets().release(packet);
            }
            return;
        } else {
            packet.put(start - 1, Messages.DATA).position(start - 1);
        }
        if (context.side() != Side.CLIENT || !writeNow(packet)) {
            enqueue(packet, "queue-full");
        }
    }

    /**
     * Frames and writes a message in the calling thread when the connection is idle (nothing queued or being written,
     * nothing sent for {@link #IDLE}), and releases it; false when it must be queued instead. This saves an idle
     * client's packet the hand-off to the writer thread, a wake-up that costs about 0.1 ms on an idle two-core VM. A
     * busy connection keeps the queue, where the writer gathers packets into one write per batch. Only a client does
     * it: the caller may block until its own socket takes the frame, which on a client stalls only its own traffic,
     * while on a hub it would let a peer that stops reading stall the reader of another.
     */
    private boolean writeNow(ByteBuffer message) {
        if (unsent.get() != 0 || System.nanoTime() - lastSentNanos < IDLE.toNanos() || !writeLock.tryLock()) {
            return false;
        }
        try {
            if (unsent.get() != 0) {
                return false; // the writer took a message after the first look; it goes first
            }
            one[0] = message;
            write(one, 1);
        } catch (IOException | RuntimeException e) {
            close(closed.get() ? closeReason : "write failed: " + describe(e));
        } finally {
            one[0] = null;
            writeLock.unlock();
        }
        context.packets().release(message);
        return true;
    }

    /** Copies a packet (a view owned by someone else, with its header when {@code withHeader}) and queues it. */
    void sendCopy(ByteBuffer packet, boolean withHeader) {
        ByteBuffer copy = context.packets().copyOf(packet, withHeader);
        if (copy == null) {
            context.counters().drop("no-buffer");
            return;
        }
        send(copy, withHeader);
    }

    /**
     * Dead-peer detection and keepalive: closes the session when nothing was received for the timeout, otherwise
     * queues a keepalive when nothing was sent for the keepalive interval. An authenticated session also probes the
     * round-trip time once per interval, busy or not, starting with its first tick.
     */
    void tick(long nowNanos) {
        SessionSettings settings = this.settings;
        if (closed.get()) {
            return;
        }
        sampleRates(nowNanos);
        Duration handshakeTimeout = context.handshakeTimeout();
        if (!established && nowNanos - openedNanos > handshakeTimeout.toNanos()) {
            close("handshake timeout: not finished within " + Nodes.text(handshakeTimeout));
        } else if (nowNanos - lastReceivedNanos > settings.timeout().toNanos()) {
            close("timeout: nothing received for " + Nodes.text(settings.timeout()));
        } else if (probes && (lastProbeNanos == 0 || nowNanos - lastProbeNanos >= settings.keepalive().toNanos())) {
            lastProbeNanos = nowNanos;
            sendKeepalive(nowNanos, true);
        } else if (nowNanos - lastSentNanos >= settings.keepalive().toNanos()) {
            sendKeepalive(nowNanos, false);
        }
    }

    /** Bytes per second in each direction over the last second or so, for status; written by the ticker only. */
    private void sampleRates(long nowNanos) {
        long elapsed = nowNanos - rateSampledNanos;
        if (elapsed >= RATE_INTERVAL) {
            long rx = rxBytes;
            long tx = txBytes;
            rxRate = (rx - rxSampled) * 1e9 / elapsed;
            txRate = (tx - txSampled) * 1e9 / elapsed;
            rxSampled = rx;
            txSampled = tx;
            rateSampledNanos = nowNanos;
        }
    }

    private void sendKeepalive(long nowNanos, boolean probe) {
        sendControl(Messages.KEEPALIVE, probe, nowNanos);
        lastSentNanos = nowNanos;
    }

    /** Queues a keepalive or an echo, with an 8-byte body when {@code withBody}. */
    private void sendControl(byte type, boolean withBody, long body) {
        ByteBuffer message = context.packets().acquire();
        if (message == null) {
            return;
        }
        message.put(PacketBuffers.HEADROOM - 1, type);
        if (withBody) {
            message.putLong(PacketBuffers.HEADROOM, body);
        }
        message.limit(PacketBuffers.HEADROOM + (withBody ? PROBE_LENGTH : 0)).position(PacketBuffers.HEADROOM - 1);
        enqueue(message, "keepalive-queue-full");
    }

    /** Queues a message unless the queue is full by count or by bytes; a message that does not fit is dropped. */
    private void enqueue(ByteBuffer message, String dropReason) {
        int bytes = message.remaining();
        unsent.incrementAndGet(); // before the writer can take it
        if (queuedBytes.addAndGet(bytes) > maxQueuedBytes || !sendQueue.offer(message)) {
            queuedBytes.addAndGet(-bytes);
            unsent.decrementAndGet();
            context.packets().release(message);
            context.counters().drop(dropReason);
            return;
        }
        if (closed.get()) {
            releaseQueued(); // close() may have drained before this offer
        }
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
            LOG.log(Level.DEBUG, "closing connection to {0}: {1}", remote, e.getMessage());
        }
        Thread w = writer;
        if (w != null) {
            w.interrupt();
        }
        releaseQueued();
        if (started.compareAndSet(false, true)) {
            context.receiveBuffers().release(inbound); // no reader ever ran
        }
        // the handler first: whoever awaits the close (a node stopping) then finds it handled and logged
        LogContext.run(this::logLabel, () -> context.handler().closed(this, reason));
        done.countDown();
    }

    String closeReason() {
        return closeReason;
    }

    void awaitClosed() throws InterruptedException {
        done.await();
    }

    private void releaseQueued() {
        ByteBuffer b;
        while ((b = sendQueue.poll()) != null) {
            context.packets().release(b);
        }
    }

    /**
     * Runs the codec's preamble, starts the writer and reads until the session ends. An established session's reader
     * (and its writer, likewise) goes on in a platform thread while {@link SessionContext#platformThreads} says so,
     * and back in a virtual thread when it no longer does: a blocking read in a platform thread wakes the thread
     * itself, where a virtual thread waits for the poller thread to wake it first, which costs an idle hub about a
     * tenth of a millisecond per packet. A client always has one session; a hub only while it has few: with many busy
     * sessions on few cores the kernel's scheduler starved some sessions of platform threads (Jain's fairness index
     * 0.19 to 0.67 against 0.91 in the load test), where the virtual-thread scheduler shares fairly; and
     * connections that never authenticate cost no platform threads.
     */
    private void readLoop() {
        boolean handedOver = false;
        try {
            if (framer == null) {
                framer = context.codec().open(connection, context.side(), maxMessageLength, inbound);
                writer = Thread.ofVirtual().name("lwt-session-writer-" + remote)
                        .start(() -> LogContext.run(this::logLabel, this::writeLoop));
                if (closed.get()) {
                    writer.interrupt();
                }
                context.handler().opened(this);
            }
            while (!closed.get()) {
                if (changesThreadKind()) {
                    nextThreadKind().name("lwt-session-reader-" + remote)
                            .start(() -> LogContext.run(this::logLabel, this::readLoop));
                    handedOver = true; // the receive buffer goes with it
                    return;
                }
                if (connection.read(inbound) < 0) {
                    close(established ? "closed by peer"
                            : "closed by peer during the handshake (do both ends use the same transport and codec?)");
                    return;
                }
                lastReceivedNanos = System.nanoTime();
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
            close(closed.get() ? closeReason : "read failed: " + describe(e));
        } finally {
            if (!handedOver) {
                context.receiveBuffers().release(inbound);
            }
        }
    }

    /** Whether this established session's loop should go on in a thread of the other kind (see {@link #readLoop}). */
    private boolean changesThreadKind() {
        return established && context.platformThreads().getAsBoolean() == Thread.currentThread().isVirtual();
    }

    private static Thread.Builder nextThreadKind() {
        return Thread.currentThread().isVirtual() ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
    }

    private void onMessage(ByteBuffer message) throws IOException {
        int start = message.position();
        int end = message.limit();
        byte type = message.get(start);
        switch (type) {
            case Messages.DATA -> {
                int length = end - start - 1;
                if (!established) {
                    throw new ProtocolException("data before the handshake finished");
                }
                if (length > context.mtu()) {
                    throw new ProtocolException("a packet of " + length + " bytes, more than the mtu " + context.mtu());
                }
                rxPackets++;
                rxBytes += length;
                context.handler().packet(this, message.position(start + 1), false);
            }
            case Messages.DATA_GSO -> {
                int packetStart = start + 1 + VirtioNetHeader.LENGTH;
                int length = end - packetStart;
                if (!established || !context.superSegments()) {
                    throw new ProtocolException(established ? "a super-segment, which this session did not offer to take"
                            : "data before the handshake finished");
                }
                if (length <= 0 || length > context.mtu() && !Offloads.needsCutting(message.position(packetStart))) {
                    throw new ProtocolException("a packet of " + length + " bytes, more than the mtu " + context.mtu()
                            + " and not a super-segment");
                }
                rxPackets++;
                rxBytes += length;
                context.handler().packet(this, message.position(packetStart), true);
            }
            case Messages.KEEPALIVE -> {
                if (end - start - 1 == PROBE_LENGTH && established) {
                    sendControl(Messages.KEEPALIVE_ECHO, true, message.getLong(start + 1));
                }
            }
            case Messages.KEEPALIVE_ECHO -> {
                if (!probes || end - start - 1 != PROBE_LENGTH) {
                    throw new ProtocolException("unexpected keepalive echo of " + (end - start - 1) + " bytes");
                }
                long rtt = System.nanoTime() - message.getLong(start + 1);
                if (rtt >= 0) { // a peer can echo anything: only plausible values count
                    rttNanos = rtt;
                }
            }
            case Messages.CHALLENGE, Messages.HELLO, Messages.WELCOME, Messages.REJECT -> {
                if (established) {
                    throw new ProtocolException(String.format("handshake message 0x%02x after the handshake", type));
                }
                context.handler().handshake(this, type, message.position(start + 1));
            }
            default -> throw new ProtocolException(String.format("unknown message type 0x%02x", type));
        }
        message.limit(end).position(start);
    }

    /**
     * Writes a packet from this peer to the TUN device. The codec's buffer may be anything (not necessarily the
     * receive buffer), so the packet is written while it is valid rather than batched.
     */
    void deliverToTun(ByteBuffer packet, boolean withHeader) throws IOException {
        context.tun().write(packet, withHeader);
    }

    private void writeLoop() {
        ByteBuffer[] batch = new ByteBuffer[BATCH];
        int n = 0;
        Chaff chaff = Chaff.of(context.codec().chaffRate());
        int room = chaff == null ? BATCH : BATCH - 1; // with chaff, one slot stays free for a cover frame
        try {
            while (!closed.get()) {
                if (changesThreadKind()) { // see readLoop
                    Thread next = nextThreadKind().name("lwt-session-writer-" + remote)
                            .start(() -> LogContext.run(this::logLabel, this::writeLoop));
                    writer = next;
                    if (closed.get()) {
                        next.interrupt(); // close() may have interrupted this thread instead
                    }
                    return;
                }
                n = 0;
                ByteBuffer first = chaff == null ? sendQueue.take()
                        : sendQueue.poll(chaff.due - System.nanoTime(), TimeUnit.NANOSECONDS);
                int taken = 0;
                writeLock.lock();
                try {
                    if (first != null) {
                        batch[n++] = first;
                        while (n < room && (batch[n] = sendQueue.poll()) != null) {
                            n++;
                        }
                        taken = n;
                        long bytes = 0;
                        for (int i = 0; i < n; i++) {
                            bytes += batch[i].remaining(); // before framing changes it: what enqueue counted
                        }
                        queuedBytes.addAndGet(-bytes);
                    }
                    if (chaff != null && chaff.isDue()) {
                        ByteBuffer cover = context.packets().acquire();
                        if (cover != null) {
                            batch[n++] = cover.limit(PacketBuffers.HEADROOM).position(PacketBuffers.HEADROOM);
                        }
                    }
                    if (n > 0) {
                        write(batch, n);
                    }
                } finally {
                    writeLock.unlock();
                    unsent.addAndGet(-taken);
                }
                n = release(batch, n);
                String reason = closeWhenSent;
                if (reason != null && sendQueue.isEmpty()) {
                    close(reason);
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            close(closed.get() ? closeReason : "write failed: " + describe(e));
        } finally {
            release(batch, n);
        }
    }

    /** Frames the messages in place and sends them with one gathering write; the caller holds the write lock. */
    private void write(ByteBuffer[] messages, int n) throws IOException {
        Framer f = framer;
        long bytes = 0;
        int packets = 0;
        for (int i = 0; i < n; i++) {
            ByteBuffer message = messages[i];
            byte type = message.hasRemaining() ? message.get(message.position()) : 0;
            if (type == Messages.DATA || type == Messages.DATA_GSO) {
                packets++;
                bytes += message.remaining() - 1 - (type == Messages.DATA_GSO ? VirtioNetHeader.LENGTH : 0);
            }
            f.encode(message);
        }
        connection.write(messages, 0, n);
        lastSentNanos = System.nanoTime();
        txPackets += packets;
        txBytes += bytes;
    }

    /** When the next frame of cover traffic is due: random intervals, exponentially distributed (a Poisson process). */
    private static final class Chaff {
        private final double meanNanos;
        private final SplittableRandom random = new SplittableRandom();
        private long due;

        private Chaff(int perSecond) {
            this.meanNanos = 1e9 / perSecond;
            this.due = System.nanoTime() + next();
        }

        static Chaff of(int perSecond) {
            return perSecond > 0 ? new Chaff(perSecond) : null;
        }

        /** Whether a frame is due now; if so, schedules the next one. */
        boolean isDue() {
            long now = System.nanoTime();
            if (now - due < 0) {
                return false;
            }
            due = Math.max(due, now - (long) meanNanos) + next(); // a stalled writer does not catch up in a burst
            return true;
        }

        private long next() {
            return (long) (-Math.log(1 - random.nextDouble()) * meanNanos);
        }
    }

    private int release(ByteBuffer[] batch, int n) {
        for (int i = 0; i < n; i++) {
            context.packets().release(batch[i]);
            batch[i] = null;
        }
        return 0;
    }

    static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
