package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import io.lwt.api.transport.Connection;
import io.lwt.api.tun.VirtioNetHeader;
import io.lwt.codec.lengthprefix.LengthPrefixCodecProvider;
import io.lwt.core.handshake.HandshakeMessage;
import io.lwt.core.handshake.ClientHandshake;
import io.lwt.core.handshake.Credential;
import io.lwt.core.handshake.HubHandshake;
import io.lwt.core.handshake.Reject;
import io.lwt.core.handshake.Initiation;
import io.lwt.core.handshake.Response;
import io.lwt.core.noise.Curve25519;
import io.lwt.core.noise.HandshakeState;
import io.lwt.testsupport.MemoryConnection;
import io.lwt.testsupport.TestPackets;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One session over the in-memory connection pair with the length-prefix codec, driven as Netty's EmbeddedChannel
 * tests drive a handler: frames written in at the peer's end, messages read out there, on a clock the test moves.
 */
@Timeout(10)
class SessionTest {

    private static final int MTU = 1400;
    private static final SessionSettings SETTINGS = new SessionSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), 16);
    private static final byte[] PACKET = TestPackets.udp("10.0.0.2", "10.0.0.1", "hello".getBytes());

    private final Codec lengthPrefix = new LengthPrefixCodecProvider().create(Config.empty("codec", Config.Location.of("test")));
    private Codec codec = lengthPrefix;
    private final Counters counters = new Counters(System.getLogger("test"));
    private final MemoryConnection.Pair pair = MemoryConnection.pair();
    private final ByteBuffer peerInbound = ByteBuffer.allocate(1 << 17).flip();
    private final BlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
    private final BlockingQueue<HandshakeMessage> handshakes = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
    private long now = 1_000_000_000L;
    private SessionKeys.Rekeying rekeying = SessionKeys.Rekeying.DEFAULT;

    @AfterEach
    void close() {
        pair.close();
    }

    /** A hub-side session whose handler answers its opening with {@code opening} (null: established at once). */
    private Session session(Function<Session, Opening> opening) {
        SessionHandler handler = new SessionHandler() {
            @Override
            public Opening opened(Session session) {
                return opening.apply(session);
            }

            @Override
            public void packet(Session from, ByteBuffer packet, boolean withHeader) {
                byte[] bytes = new byte[packet.remaining()];
                packet.duplicate().get(bytes);
                delivered.add(bytes);
            }

            @Override
            public void closed(Session session, String reason) {
                closed.add(reason);
            }
        };
        PacketBuffers packets = new PacketBuffers(MTU, codec.tailroom());
        SessionContext context = new SessionContext(codec, Side.SERVER, MTU, true, SETTINGS, Duration.ofSeconds(5),
                packets, SessionContext.receiveBuffers(codec, MTU, true, 1), null, counters,
                handler, () -> false, () -> now, rekeying);
        Session session = new Session(pair.server(), context, context.receiveBuffers().acquire());
        session.start();
        return session;
    }

    /** A session established as soon as its reader opened it; returns once it is. */
    private Session established(boolean peerTakesSuperSegments) throws InterruptedException {
        CountDownLatch opened = new CountDownLatch(1);
        Session session = session(s -> {
            s.establish(Established.secure("peer", Sources.NONE, peerTakesSuperSegments));
            opened.countDown();
            return null;
        });
        opened.await();
        return session;
    }

    /** Writes one frame as the peer: a 4-byte length, the type, the body. */
    private void send(byte type, byte[] body) throws IOException {
        pair.client().writeRaw(ByteBuffer.allocate(4 + 1 + body.length).putInt(1 + body.length).put(type).put(body).array());
    }

    /** Reads the next message the session sent, type byte first. */
    private byte[] next() throws IOException {
        while (peerInbound.remaining() < 4 || peerInbound.remaining() < 4 + peerInbound.getInt(peerInbound.position())) {
            peerInbound.compact();
            if (pair.client().read(peerInbound) < 0) {
                throw new EOFException("the session closed the connection");
            }
            peerInbound.flip();
        }
        byte[] message = new byte[peerInbound.getInt()];
        peerInbound.get(message);
        return message;
    }

    private static byte[] message(byte type, byte[] body) {
        return ByteBuffer.allocate(1 + body.length).put(type).put(body).array();
    }

    private static ByteBuffer pooled(PacketBuffers packets, byte[] packet) {
        ByteBuffer b = packets.acquire();
        b.put(packet).limit(b.position()).position(PacketBuffers.HEADROOM);
        return b;
    }

    @Test
    void aPacketComesOutAsItWentInAndGoesBackFramedAsData() throws Exception {
        Session session = established(false);
        send(Messages.DATA, PACKET);
        assertArrayEquals(PACKET, delivered.poll(5, TimeUnit.SECONDS));
        PacketBuffers packets = new PacketBuffers(MTU, 0);
        session.send(pooled(packets, PACKET), false);
        assertArrayEquals(message(Messages.DATA, PACKET), next());
    }

    @Test
    void aPeerThatTakesSuperSegmentsGetsEveryPacketBehindAHeader() throws Exception {
        Session session = established(true);
        session.send(pooled(new PacketBuffers(MTU, 0), PACKET), false);
        byte[] expected = ByteBuffer.allocate(1 + VirtioNetHeader.LENGTH + PACKET.length).put(Messages.DATA_GSO)
                .put(new byte[VirtioNetHeader.LENGTH]).put(PACKET).array();
        assertArrayEquals(expected, next(), "DATA_GSO with an empty virtio-net header");
    }

    @Test
    void aProbeIsEchoedAtOnce() throws Exception {
        established(false);
        byte[] probe = ByteBuffer.allocate(8).putLong(0x0102030405060708L).array();
        send(Messages.KEEPALIVE, probe);
        assertArrayEquals(message(Messages.KEEPALIVE_ECHO, probe), next());
    }

    @Test
    void theTickSendsAProbeThenKeepalivesAndClosesASilentSession() throws Exception {
        Session session = established(false);
        session.tick();
        byte[] probe = next();
        assertEquals(Messages.KEEPALIVE, probe[0]);
        assertEquals(now, ByteBuffer.wrap(probe, 1, 8).getLong(), "a probe carries the sender's clock");
        now += Duration.ofSeconds(10).toNanos();
        session.tick();
        assertEquals(Messages.KEEPALIVE, next()[0], "the next interval's probe");
        now += Duration.ofSeconds(20).toNanos() + 1;
        session.tick();
        assertEquals("timeout: nothing received for 30s", closed.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void handshakeMessagesGoToTheOpeningUntilTheSessionIsEstablished() throws Exception {
        Session session = session(s -> Opening.taking(Initiation.TYPE, Initiation.class, initiation -> {
            handshakes.add(initiation);
            s.establish(Established.secure("peer", Sources.NONE, false));
        }));
        ByteBuffer initiation = ByteBuffer.allocate(256);
        new ClientHandshake(TestHub.key(1), TestHub.HUB_KEY, new byte[0]).initiation(false).write(initiation);
        byte[] body = Arrays.copyOf(initiation.array(), initiation.position());
        send(Initiation.TYPE, body);
        assertArrayEquals(Arrays.copyOfRange(body, 1, body.length - 16),
                assertInstanceOf(Initiation.class, handshakes.poll(5, TimeUnit.SECONDS)).noise());
        send(Initiation.TYPE, body);
        assertEquals("protocol error: handshake message 0x20 after the handshake", closed.poll(5, TimeUnit.SECONDS));
        assertTrue(session.isClosed());
    }

    @Test
    void dataBeforeTheHandshakeOrAnUnknownTypeEndsTheSessionWithItsCause() throws Exception {
        session(s -> new Opening() {
            @Override
            public boolean takes(byte type) {
                return false;
            }

            @Override
            public void message(HandshakeMessage message) {
                throw new AssertionError("takes nothing");
            }
        });
        send(Messages.DATA, PACKET);
        assertEquals("protocol error: data before the handshake finished", closed.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void anUnknownMessageTypeIsAProtocolError() throws Exception {
        established(false);
        send((byte) 0x7f, new byte[0]);
        assertEquals("protocol error: unknown message type 0x7f", closed.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aHandshakeMessageThisSideDoesNotTakeIsRefusedUnread() throws Exception {
        session(s -> Opening.taking(Initiation.TYPE, Initiation.class, handshakes::add));
        send(Response.TYPE, new byte[0]); // a RESPONSE to a hub, with no body to read
        assertEquals("protocol error: unexpected handshake message 0x21", closed.poll(5, TimeUnit.SECONDS));
        assertEquals(0, handshakes.size());
    }

    @Test
    void aCodecThatThrowsEndsOnlyItsSessionInOneCountedLine() throws Exception {
        codec = new Codec() {
            @Override
            public int headroom() {
                return lengthPrefix.headroom();
            }

            @Override
            public int tailroom() {
                return lengthPrefix.tailroom();
            }

            @Override
            public Framer open(Connection connection, Side side, int maxMessageLength, ByteBuffer inbound)
                    throws IOException {
                Framer framer = lengthPrefix.open(connection, side, maxMessageLength, inbound);
                return new Framer() {
                    @Override
                    public void encode(ByteBuffer message) {
                        framer.encode(message);
                    }

                    @Override
                    public void decode(ByteBuffer in, MessageSink sink) {
                        throw new IllegalStateException("a bug in the codec");
                    }
                };
            }
        };
        established(false);
        send(Messages.DATA, PACKET);
        assertEquals("read failed: IllegalStateException: a bug in the codec", closed.poll(5, TimeUnit.SECONDS));
        assertEquals(1L, counters.drops().get("plugin-error"));
    }

    private static final Curve25519.KeyPair HUB = Curve25519.generate();
    private static final byte[] CLIENT_KEY = TestHub.key(7);
    private Session sealedSession;

    /**
     * A session established with the hub's keys of a real handshake, sealing from its first message; returns the
     * keys of the test's end, the client, which seal and open with the same rekeying.
     */
    private StreamKeys sealed() throws Exception {
        ClientHandshake client = new ClientHandshake(CLIENT_KEY, HUB.publicKey(), new byte[0]);
        HubHandshake hub = new HubHandshake(HUB, new byte[0]);
        hub.read(client.initiation(false), (key, certified) -> Credential.of("c7", CLIENT_KEY), Optional.empty());
        client.read(hub.answer(new Reject(Reject.Reason.BUSY, "not needed here")));
        HandshakeState.Transport hubKeys = hub.keys();
        CountDownLatch opened = new CountDownLatch(1);
        sealedSession = session(s -> {
            s.protect(hubKeys);
            s.establish(Established.secure("c7", Sources.NONE, false));
            opened.countDown();
            return null;
        });
        opened.await();
        return new StreamKeys(client.keys(), rekeying, () -> now);
    }

    /** The sealed bytes of a message, as the client's session would frame them. */
    private static byte[] seal(StreamKeys keys, byte type, byte[] body) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(1 + body.length + SessionKeys.TAG).put(type).put(body).flip();
        keys.seal(b);
        return Arrays.copyOf(b.array(), b.limit());
    }

    /** Writes messages as they are, framed, in one write (a session that refuses the first may close at once). */
    private void sendRaw(byte[]... messages) throws IOException {
        ByteBuffer frames = ByteBuffer.allocate(Arrays.stream(messages).mapToInt(m -> 4 + m.length).sum());
        for (byte[] message : messages) {
            frames.putInt(message.length).put(message);
        }
        pair.client().writeRaw(frames.array());
    }

    private static byte[] packet(int i) {
        return TestPackets.udp("10.0.0.7", "10.0.0.1", ("packet " + i).getBytes());
    }

    /**
     * A hub writes a packet to an idle peer from the sending thread, as much as the socket takes without blocking; the
     * rest of that frame the writer sends before anything queued after it. With a peer that reads nothing, every send
     * returns (none blocks the thread that sends), and once it reads, every message opens, in order.
     */
    @Test
    void aHubWritesWithoutBlockingAndTheWriterSendsTheRestOfAFrameFirst() throws Exception {
        StreamKeys client = sealed();
        PacketBuffers packets = new PacketBuffers(MTU, SessionKeys.TAG);
        pair.client().holdReads();
        int count = 210; // frames of 1,321 bytes: 198 fill the pipe's 256 KiB, the 199th only in part, 11 queue
        for (int i = 0; i < count; i++) {
            now += Link.IDLE.toNanos(); // each finds the connection idle unless something waits
            sealedSession.send(pooled(packets, bulk(i)), false);
        }
        pair.client().releaseReads();
        for (int i = 0; i < count; i++) {
            ByteBuffer out = ByteBuffer.wrap(next());
            client.open(out);
            assertArrayEquals(message(Messages.DATA, bulk(i)), Arrays.copyOfRange(out.array(), 0, out.limit()),
                    "packet " + i);
        }
        assertEquals(Map.of(), counters.drops(), "nothing dropped");
    }

    private static byte[] bulk(int i) {
        byte[] payload = new byte[1300 - 28];
        ByteBuffer.wrap(payload).putInt(i);
        return TestPackets.udp("10.0.0.7", "10.0.0.1", payload);
    }

    @Test
    void sealedMessagesGoBothWaysInOrderAcrossRekeys() throws Exception {
        rekeying = new SessionKeys.Rekeying(Duration.ofHours(1), 20);
        StreamKeys client = sealed();
        PacketBuffers packets = new PacketBuffers(MTU, SessionKeys.TAG);
        for (int i = 0; i < 200; i++) {
            sendRaw(seal(client, Messages.DATA, packet(i)));
            assertArrayEquals(packet(i), delivered.poll(5, TimeUnit.SECONDS), "packet " + i + " in");
            sealedSession.send(pooled(packets, packet(-i)), false);
            ByteBuffer out = ByteBuffer.wrap(next());
            client.open(out);
            assertArrayEquals(message(Messages.DATA, packet(-i)), Arrays.copyOfRange(out.array(), 0, out.limit()),
                    "packet " + i + " out");
        }
        assertTrue(client.rekeys() >= 18, "each end rekeyed every 20 messages: " + client.rekeys());
        assertTrue(sealedSession.status().protection().rekeys() >= 18);
        now += Duration.ofHours(2).toNanos(); // and after the interval
        sendRaw(seal(client, Messages.DATA, packet(200)));
        assertArrayEquals(packet(200), delivered.poll(5, TimeUnit.SECONDS));
        assertTrue(closed.isEmpty(), "no message lost or refused across the rekeys");
    }

    @ParameterizedTest
    @ValueSource(strings = {"flip", "replay", "reorder", "truncate"})
    void aFlippedBitAReplayAReorderingOrATruncationEndsTheSession(String fault) throws Exception {
        StreamKeys client = sealed();
        byte[] first = seal(client, Messages.DATA, packet(1));
        byte[] second = seal(client, Messages.DATA, packet(2));
        switch (fault) {
            case "flip" -> {
                first[3] ^= 0x10;
                sendRaw(first);
            }
            case "replay" -> sendRaw(first, first);
            case "reorder" -> sendRaw(second, first);
            case "truncate" -> sendRaw(Arrays.copyOf(first, first.length - 1));
            default -> throw new AssertionError(fault);
        }
        String reason = closed.poll(5, TimeUnit.SECONDS);
        assertTrue(reason != null && reason.startsWith("protocol error: a sealed message failed its authentication"),
                fault + ": " + reason);
        assertEquals(fault.equals("replay") ? 1 : 0, delivered.size(), "nothing that failed reached the handler");
    }

    /** One 64 KiB message of one-byte segments would be 65,000 packets for a sink without offloads: refused. */
    @Test
    void aSuperSegmentOfTinySegmentsEndsTheSession() throws Exception {
        established(true);
        byte[] big = TestPackets.tcp("10.0.0.7", "10.0.0.1", 1, 2, 0, 0x18, new byte[4000]);
        ByteBuffer header = ByteBuffer.allocate(VirtioNetHeader.LENGTH);
        new VirtioNetHeader(0, VirtioNetHeader.GSO_TCPV4, 40, 1, 0, 0).write(header, 0);
        send(Messages.DATA_GSO, ByteBuffer.allocate(header.capacity() + big.length).put(header.array()).put(big).array());
        assertEquals("protocol error: a super-segment of 1-byte segments; the least is 128 (so a message makes at most "
                + "512 packets)", closed.poll(5, TimeUnit.SECONDS));
        assertEquals(0, delivered.size());
    }
}
