package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPackets;
import io.lwt.api.ProtocolException;
import io.lwt.core.handshake.ClientHandshake;
import io.lwt.core.handshake.Grant;
import io.lwt.core.handshake.Initiation;
import io.lwt.core.handshake.Response;
import io.lwt.core.noise.CipherState;
import io.lwt.testsupport.Fuzz;
import io.lwt.testsupport.TestPackets;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A real hub (loopback TCP, length-prefix, hub routing, in-memory TUN) fed random and mutated first frames of a
 * session, one connection per input: as a stranger, or after a correct handshake as client c1. Each input's
 * connection ends with a reason the hub names in one line (a protocol error, the peer's end of stream, a refusal),
 * never a crash of the session's code; nothing but c1's own address reaches the hub's TUN as a source; and afterwards
 * the hub is empty and still serves a real client.
 *
 * <p>The first byte of an input chooses the mode (odd: handshake as c1 first); the rest is sent as it is, then the
 * output is shut down and everything the hub answers is read to its end. After a handshake every message must be
 * sealed, so there the input's well-formed frames are sealed with c1's key before they go (what follows the first
 * malformed one goes as it is): the hub's handling of authenticated messages is what is fuzzed, not AES-GCM.
 */
class HubFirstFramesFuzzTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** How a session may end when its peer sends anything and then closes; no "read failed" (a bug's exception). */
    private static final Set<String> EXPECTED_ENDS = Set.of("closed by peer", "protocol error: ", "rejected: ");

    private static TestHub hub;
    private static SessionEnds ends;

    @BeforeAll
    static void start() throws IOException {
        ends = new SessionEnds();
        hub = TestHub.start(2, new SessionSettings(Duration.ofSeconds(1), Duration.ofSeconds(5), 64));
    }

    @AfterAll
    static void stop() {
        hub.close();
        ends.close();
    }

    @Test
    void anyFirstFramesEndOnlyThatSessionWithAReason() throws Exception {
        Fuzz.Result result = Fuzz.run("hub first frames",
                Fuzz.oneOf(Fuzz.bytes(200), Fuzz.mutations(seeds()), HubFirstFramesFuzzTest::frames),
                HubFirstFramesFuzzTest::exchange, new Fuzz.Limits(400, Long.MAX_VALUE, WAIT.multipliedBy(3)));
        assertTrue(result.rejected() > 0 && result.rejected() < result.cases(), result.toString());
        TestHub.await("no sessions left", WAIT, () -> hub.node.sessionCount() == 0);

        ClientNode c2 = hub.client(2, SessionSettings.DEFAULTS);
        try {
            TestHub.await("c2 to connect", WAIT, c2::isConnected);
            byte[] packet = TestPackets.udp("10.1.0.3", "10.1.0.1", new byte[8]);
            io.lwt.testsupport.MemoryTun.device(c2.deviceName()).inject(packet);
            assertArrayEquals(packet, hub.device.awaitWritten(WAIT), "a real client still gets through");
        } finally {
            c2.close();
        }
    }

    /** Inputs that sit on an edge or once failed, as hex, and how the hub ends the session. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "00                                         | closed by peer",
        "0000000000                                 | protocol error: frame length 0 outside 1..65562",
        "007fffffff01                               | protocol error: frame length 2147483647 outside 1..65562",
        "000000000101                               | protocol error: data before the handshake finished",
        "000000000102                               | closed by peer",
        "000000000121                               | protocol error: unexpected handshake message 0x21",
        "000000000120                               | protocol error: handshake: truncated",
        "0000000001ee                               | protocol error: unknown message type 0xee",
        "010000000120                               | protocol error: handshake message 0x20 after the handshake",
        "01000000050145000020                       | closed by peer",
    })
    void corpus(String hex, String expected) throws Exception {
        String reason;
        try {
            exchange(HexFormat.of().parseHex(hex.strip()));
            reason = "closed by peer";
        } catch (ProtocolException e) {
            reason = e.getMessage();
        }
        assertEquals(expected.strip(), reason);
    }

    /**
     * One connection: the optional handshake, the input, the end of output, then everything the hub sends until it
     * closes. Throws a ProtocolException when the hub ended the session with a protocol error (counted as rejected).
     */
    private static void exchange(byte[] input) throws Exception {
        boolean authenticate = input.length > 0 && (input[0] & 1) == 1;
        int port;
        try (Socket socket = new Socket()) {
            socket.connect(hub.address(), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis()); // the hang detector: a hub that keeps a dead session open
            port = socket.getLocalPort();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            CipherState sealing = authenticate ? handshake(in, out) : null;
            if (input.length > 1) {
                out.write(sealing == null ? java.util.Arrays.copyOfRange(input, 1, input.length) : sealed(input, sealing));
            }
            socket.shutdownOutput();
            try {
                while (in.read(new byte[4096]) >= 0) {
                    // what the hub answers: a REJECT, keepalives, nothing; then its end of stream
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the hub kept the session open " + WAIT + " after the peer's end of stream");
            }
        }
        String reason = ends.await(port, WAIT);
        if (reason.contains("\n") || EXPECTED_ENDS.stream().noneMatch(reason::startsWith)) {
            throw new AssertionError("the session ended with: " + reason);
        }
        byte[] packet;
        while ((packet = hub.device.awaitWritten(Duration.ZERO)) != null) {
            ByteBuffer p = ByteBuffer.wrap(packet);
            if (IpPackets.version(p) != 4 || IpPackets.ipv4Source(p) != TestHub.address(1)) {
                throw new AssertionError("the hub's TUN got a packet c1 may not send: " + HexFormat.of().formatHex(packet));
            }
        }
        if (reason.startsWith("protocol error: ")) {
            throw new ProtocolException(reason);
        }
    }

    /** Sends the INITIATION as c1 with its key and reads the RESPONSE; returns the key c1 seals with from then on. */
    static CipherState handshake(DataInputStream in, OutputStream out) throws IOException {
        ClientHandshake handshake = new ClientHandshake(TestHub.key(1), TestHub.HUB_KEY, new byte[0]);
        Initiation initiation = handshake.initiation(true);
        ByteBuffer message = ByteBuffer.allocate(1 + initiation.length()).put(Initiation.TYPE);
        initiation.write(message);
        out.write(frame(message.flip()));
        ByteBuffer response = ByteBuffer.wrap(readFrame(in));
        assertEquals(Response.TYPE, response.get());
        assertInstanceOf(Grant.class, handshake.read(Response.read(response)), "c1 is welcome");
        return handshake.keys().sending();
    }

    /**
     * The input after its mode byte with each well-formed frame's message sealed, as c1's session would send it;
     * from the first frame that is not well formed on, the bytes as they are.
     */
    private static byte[] sealed(byte[] input, CipherState sealing) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(input, 1, input.length - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (in.remaining() >= 4) {
            int length = in.getInt(in.position());
            if (length < 1 || length > in.remaining() - 4) {
                break;
            }
            byte[] message = new byte[length];
            in.position(in.position() + 4).get(message);
            try {
                out.writeBytes(frame(ByteBuffer.wrap(sealing.encryptWithAd(new byte[0], message))));
            } catch (java.security.GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }
        out.write(input, in.position(), in.remaining());
        return out.toByteArray();
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 1 || length > 2048) {
            throw new EOFException("the hub sent a frame of " + length + " bytes");
        }
        byte[] message = new byte[length];
        in.readFully(message);
        return message;
    }

    /** The length-prefix frame of {@code message}'s remaining bytes. */
    private static byte[] frame(ByteBuffer message) {
        ByteBuffer framed = ByteBuffer.allocate(4 + message.remaining()).putInt(message.remaining()).put(message);
        return framed.array();
    }

    private static byte[] frame(byte type, byte[] body) {
        return frame(ByteBuffer.allocate(1 + body.length).put(type).put(body).flip());
    }

    /** A mode byte, then one to four well-formed frames of any type with random bodies. */
    private static byte[] frames(Random random) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(random.nextInt(2));
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            byte[] body = new byte[random.nextInt(random.nextBoolean() ? 8 : 120)];
            random.nextBytes(body);
            s.writeBytes(frame((byte) random.nextInt(256), body));
        }
        return s.toByteArray();
    }

    /** Valid-looking streams to mutate, each behind its mode byte. */
    private static List<byte[]> seeds() {
        Random random = new Random(9);
        byte[] toHub = TestPackets.udp("10.1.0.2", "10.1.0.1", new byte[16]);
        byte[] spoofed = TestPackets.udp("10.1.0.3", "10.1.0.1", new byte[16]);
        byte[] toOther = TestPackets.udp("10.1.0.2", "10.1.0.3", new byte[16]);
        byte[] key = new byte[32];
        random.nextBytes(key);
        ByteBuffer stranger = ByteBuffer.allocate(256); // a well-formed initiation from a key the hub does not know
        new ClientHandshake(key, TestHub.HUB_KEY, new byte[0]).initiation(true).write(stranger);
        byte[] initiation = java.util.Arrays.copyOf(stranger.array(), stranger.position());
        byte keepalive = Messages.KEEPALIVE;
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(stream(0, frame(keepalive, new byte[0]), frame(Initiation.TYPE, initiation)));
        seeds.add(stream(0, frame(Messages.DATA, toHub)));
        seeds.add(stream(0, frame(Response.TYPE, new byte[60]), frame(Initiation.TYPE, new byte[] {2, 0})));
        seeds.add(stream(1, frame(Messages.DATA, toHub), frame(keepalive, new byte[0]), frame(Messages.DATA, toOther)));
        seeds.add(stream(1, frame(Messages.DATA, spoofed), frame(Messages.DATA, toHub)));
        seeds.add(stream(1, frame(Initiation.TYPE, initiation)));
        seeds.add(stream(1, frame(Messages.DATA, new byte[] {0x60, 0, 0, 0})));
        return seeds;
    }

    private static byte[] stream(int mode, byte[]... frames) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(mode);
        for (byte[] f : frames) {
            s.writeBytes(f);
        }
        return s.toByteArray();
    }
}
