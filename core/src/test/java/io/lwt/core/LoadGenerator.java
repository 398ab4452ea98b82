package io.lwt.core;

import io.lwt.api.IpPackets;
import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Transport;
import io.lwt.core.handshake.ClientHandshake;
import io.lwt.core.handshake.Grant;
import io.lwt.core.handshake.Initiation;
import io.lwt.core.handshake.Response;
import io.lwt.core.noise.CipherFunction;
import io.lwt.core.noise.CipherState;
import io.lwt.core.noise.HandshakeState;
import io.lwt.core.noise.NoiseException;
import io.lwt.testsupport.TestPackets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulated clients that speak the real protocol (the TCP transport, the length-prefix codec, the secure handshake,
 * DATA frames) from one process, without TUN devices or client nodes, through one hub. Client {@code i} sends UDP
 * packets to client {@code i+1} (the last to the first), each carrying its sender and a sequence number, so every
 * receiver can tell a packet of its own flow from one delivered to the wrong peer, and count what was lost.
 *
 * <p>It lives in core's tests because the handshake is package-private; {@link LoadGeneratorTest} runs it.
 */
final class LoadGenerator {

    /** Packets framed and sent with one gathering write. */
    private static final int BATCH = 16;
    private static final int HEADROOM = 64;
    private static final int TAG = CipherFunction.TAGLEN;
    private static final Duration DRAIN = Duration.ofSeconds(10);

    /**
     * @param sessions simulated clients, at least 2
     * @param packetBytes size of each IPv4 packet, 40 to the hub's MTU
     * @param packetsPerSecond what each client offers; 0 for as fast as the hub takes them
     */
    record Settings(int sessions, Duration duration, int packetBytes, int packetsPerSecond) {
        Settings {
            if (sessions < 2 || packetBytes < 40 || packetBytes > TestHub.MTU || packetsPerSecond < 0) {
                throw new IllegalArgumentException("unusable load settings: " + sessions + " sessions of " + packetBytes
                        + "-byte packets at " + packetsPerSecond + "/s");
            }
        }

        /** From {@code lwt.load.sessions}, {@code lwt.load.seconds}, {@code lwt.load.bytes}, {@code lwt.load.rate}. */
        static Settings fromSystemProperties(int sessions, Duration duration) {
            return new Settings(Integer.getInteger("lwt.load.sessions", sessions),
                    Duration.ofSeconds(Long.getLong("lwt.load.seconds", duration.toSeconds())),
                    Integer.getInteger("lwt.load.bytes", 512), Integer.getInteger("lwt.load.rate", 0));
        }
    }

    /**
     * What a run measured. Per flow (client {@code i} to its successor): packets sent and delivered.
     *
     * @param misdelivered packets a client received that were not from its predecessor to it
     * @param reordered packets that arrived after a later one of the same flow
     * @param hubDrops the hub's drop counters by reason
     * @param failures clients whose sending failed, with the reason
     */
    record Report(Settings settings, Duration measured, long[] sent, long[] delivered, long misdelivered, long reordered,
            Map<String, Long> hubDrops, List<String> failures) {

        long totalDelivered() {
            return Arrays.stream(delivered).sum();
        }

        long totalSent() {
            return Arrays.stream(sent).sum();
        }

        /** Jain's fairness index of the delivered counts: 1 when every flow got the same, 1/n when one got all. */
        double jain() {
            double sum = 0;
            double squares = 0;
            for (long d : delivered) {
                sum += d;
                squares += (double) d * d;
            }
            return squares == 0 ? 0 : sum * sum / (delivered.length * squares);
        }

        String markdown() {
            long[] sorted = delivered.clone();
            Arrays.sort(sorted);
            double seconds = measured.toNanos() / 1e9;
            long lost = totalSent() - totalDelivered();
            return String.format("""
                    | sessions | packet bytes | offered per session | seconds | sent | delivered | packets/s | \
                    per session min / median / max | Jain's index | lost | hub drops | misdelivered | reordered |
                    |---|---|---|---|---|---|---|---|---|---|---|---|---|
                    | %d | %d | %s | %.1f | %d | %d | %.0f | %d / %d / %d | %.3f | %d (%.2f%%) | %s | %d | %d |
                    """, settings.sessions(), settings.packetBytes(),
                    settings.packetsPerSecond() == 0 ? "unlimited" : settings.packetsPerSecond() + "/s", seconds,
                    totalSent(), totalDelivered(), totalDelivered() / seconds, sorted[0], sorted[sorted.length / 2],
                    sorted[sorted.length - 1], jain(), lost, totalSent() == 0 ? 0.0 : 100.0 * lost / totalSent(),
                    hubDrops.isEmpty() ? "none" : hubDrops, misdelivered, reordered);
        }
    }

    private LoadGenerator() {}

    /**
     * Connects and authenticates {@code settings.sessions()} clients of {@code hub} (which must know that many), lets
     * them send for the duration, waits until in-flight packets have arrived or {@link #DRAIN} passed, and reports.
     */
    static Report run(TestHub hub, Settings settings) throws Exception {
        int n = settings.sessions();
        List<SimulatedClient> clients = new ArrayList<>();
        try {
            for (int i = 1; i <= n; i++) { // one after another: all from one address, as the hub's limits allow
                SimulatedClient c = new SimulatedClient(hub, i, i % n + 1, i == 1 ? n : i - 1, settings.packetBytes());
                clients.add(c);
                c.handshake();
            }
            List<Thread> threads = new ArrayList<>();
            for (SimulatedClient c : clients) {
                threads.add(Thread.ofVirtual().name("load-reader-" + c.id).start(c::readLoop));
            }
            long start = System.nanoTime();
            long end = start + settings.duration().toNanos();
            for (SimulatedClient c : clients) {
                threads.add(Thread.ofVirtual().name("load-writer-" + c.id).start(() -> c.writeLoop(end, settings.packetsPerSecond())));
            }
            for (Thread t : threads.subList(n, threads.size())) {
                t.join();
            }
            long[] sent = clients.stream().mapToLong(c -> c.sent).toArray();
            long deadline = System.nanoTime() + DRAIN.toNanos();
            long accounted = -1; // packets received or known lost: it stops growing once nothing is in flight
            int unchanged = 0; // samples without growth: several, since a starved machine can pause for one
            while (System.nanoTime() < deadline && unchanged < 5) {
                long now = clients.stream().mapToLong(c -> c.received + c.lost).sum();
                if (now >= Arrays.stream(sent).sum()) {
                    break;
                }
                unchanged = now == accounted ? unchanged + 1 : 0;
                accounted = now;
                Thread.sleep(200);
            }
            Duration measured = Duration.ofNanos(end - start);
            long[] delivered = new long[n];
            long misdelivered = 0;
            long reordered = 0;
            for (SimulatedClient c : clients) {
                delivered[c.from - 1] = c.received; // what reached this client is its predecessor's flow
                misdelivered += c.misdelivered;
                reordered += c.reordered;
            }
            List<String> failures = clients.stream().map(c -> c.failure).filter(f -> f != null).toList();
            return new Report(settings, measured, sent, delivered, misdelivered, reordered, hub.node.counters().drops(),
                    failures);
        } finally {
            for (SimulatedClient c : clients) {
                c.close();
            }
        }
    }

    /** One client: a connection, its framer, a reader and a writer thread, and the counts of its flows. */
    private static final class SimulatedClient implements AutoCloseable {
        final int id;
        final int from;
        private final int to;
        private final Connection connection;
        private final Codec codec;
        private final ByteBuffer inbound;
        private final Framer framer;
        /** The session's keys once the handshake is done: the writer seals, the reader opens. */
        private CipherState sending;
        private CipherState receiving;
        private final byte[] template;
        // each written by one thread (sent by the writer, the rest by the reader), read after the run
        volatile long sent;
        volatile long received;
        volatile long lost;
        volatile long misdelivered;
        volatile long reordered;
        volatile String failure;
        private long lastSequence = -1;
        private ByteBuffer handshakeMessage;

        SimulatedClient(TestHub hub, int id, int to, int from, int packetBytes) throws IOException {
            this.id = id;
            this.to = to;
            this.from = from;
            this.codec = hub.codec;
            Transport transport = hub.transports.getFirst();
            InetSocketAddress address = hub.address();
            this.connection = transport.dial(address, Duration.ofSeconds(10));
            this.inbound = ByteBuffer.allocateDirect(SessionContext.receiveBuffers(codec, TestHub.MTU, false, 1).bufferSize());
            this.framer = codec.open(connection, Side.CLIENT, 1 + TestHub.MTU + TAG, inbound);
            this.template = TestPackets.udpOfSize(text(TestHub.address(id)), text(TestHub.address(to)), packetBytes);
        }

        private static String text(int address) {
            return IpPackets.ipv4Text(address);
        }

        /**
         * INITIATION and RESPONSE with this client's key; fails unless granted its address by a hub that knows it. From
         * then on it seals and opens every message, as a session does.
         */
        void handshake() throws IOException {
            ClientHandshake handshake = new ClientHandshake(TestHub.key(id), TestHub.HUB_KEY, new byte[0]);
            Initiation initiation = handshake.initiation(false);
            ByteBuffer message = ByteBuffer.allocateDirect(HEADROOM + 256).position(HEADROOM);
            message.put(Initiation.TYPE);
            initiation.write(message);
            send(message.flip().position(HEADROOM));
            if (!(handshake.read(Response.read(nextHandshakeMessage(Response.TYPE))) instanceof Grant grant)
                    || grant.address().ipv4() != TestHub.address(id)) {
                throw new IOException(TestHub.name(id) + ": the hub's answer is no grant of this client's address");
            }
            HandshakeState.Transport keys = handshake.keys();
            sending = keys.sending();
            receiving = keys.receiving();
        }

        private ByteBuffer nextHandshakeMessage(byte type) throws IOException {
            handshakeMessage = null;
            inbound.flip();
            while (true) {
                framer.decode(inbound, m -> {
                    if (handshakeMessage == null) {
                        handshakeMessage = ByteBuffer.allocate(m.remaining()).put(m.duplicate()).flip();
                    }
                });
                inbound.compact();
                if (handshakeMessage != null) {
                    if (handshakeMessage.get() != type) {
                        throw new IOException(TestHub.name(id) + ": expected message 0x" + Integer.toHexString(type)
                                + ", got 0x" + Integer.toHexString(handshakeMessage.get(0)));
                    }
                    return handshakeMessage;
                }
                if (connection.read(inbound) < 0) {
                    throw new IOException(TestHub.name(id) + ": the hub closed the connection in the handshake");
                }
                inbound.flip();
            }
        }

        private void send(ByteBuffer message) throws IOException {
            framer.encode(message);
            connection.write(new ByteBuffer[] {message}, 0, 1);
        }

        /** Sends DATA packets in batches until {@code endNanos}, paced to {@code perSecond} unless it is 0. */
        void writeLoop(long endNanos, int perSecond) {
            ByteBuffer[] batch = new ByteBuffer[BATCH];
            for (int i = 0; i < BATCH; i++) {
                batch[i] = ByteBuffer.allocateDirect(HEADROOM + template.length + TAG + codec.tailroom());
                batch[i].put(HEADROOM, template);
            }
            int wanted = Math.clamp(perSecond / 500, 1, BATCH);
            long start = System.nanoTime();
            long sequence = 0;
            try {
                while (System.nanoTime() < endNanos) {
                    int count = BATCH;
                    if (perSecond > 0) { // wake about every 2 ms and send what is due, up to a batch per write
                        long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L + 1 - sequence;
                        if (due < wanted) {
                            LockSupport.parkNanos(start + (sequence + wanted - 1) * 1_000_000_000L / perSecond
                                    - System.nanoTime());
                            continue;
                        }
                        count = (int) Math.min(BATCH, due);
                    }
                    for (int i = 0; i < count; i++) {
                        ByteBuffer b = batch[i].clear();
                        b.putInt(HEADROOM + 28, id).putLong(HEADROOM + 32, sequence++);
                        b.put(HEADROOM - 1, Messages.DATA).limit(HEADROOM + template.length).position(HEADROOM - 1);
                        seal(b);
                        framer.encode(b);
                    }
                    connection.write(batch, 0, count);
                    sent += count;
                }
            } catch (IOException e) {
                failure = TestHub.name(id) + ": sending failed: " + e.getMessage();
            }
        }

        /** Reads until the connection closes, checking that each packet is the next of its predecessor's flow. */
        void readLoop() {
            try {
                while (connection.read(inbound) >= 0) {
                    inbound.flip();
                    framer.decode(inbound, this::message);
                    inbound.compact();
                }
            } catch (IOException e) {
                // closed at the end of the run
            }
        }

        private void seal(ByteBuffer message) throws IOException {
            try {
                sending.seal(message);
            } catch (NoiseException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        private void message(ByteBuffer message) throws IOException {
            try {
                receiving.open(message);
            } catch (NoiseException e) {
                failure = TestHub.name(id) + ": a message from the hub failed to open: " + e.getMessage();
                throw new IOException(failure, e);
            }
            int at = message.position();
            if (message.get(at) != Messages.DATA) {
                return; // keepalives
            }
            ByteBuffer packet = message.duplicate().position(at + 1);
            int p = packet.position();
            if (packet.remaining() != template.length || IpPackets.ipv4Source(packet) != TestHub.address(from)
                    || IpPackets.ipv4Destination(packet) != TestHub.address(id) || packet.getInt(p + 28) != from) {
                misdelivered++;
                return;
            }
            long sequence = packet.getLong(p + 32);
            if (sequence <= lastSequence) {
                reordered++;
                return;
            }
            lost += sequence - lastSequence - 1;
            lastSequence = sequence;
            received++;
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }
}
