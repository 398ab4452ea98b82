package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPackets;
import io.lwt.api.ProtocolException;
import io.lwt.core.handshake.Challenge;
import io.lwt.core.handshake.ClientHandshake;
import io.lwt.core.handshake.HandshakeMessage;
import io.lwt.core.handshake.Proofs;
import io.lwt.core.handshake.Hello;
import io.lwt.core.handshake.Reject;
import io.lwt.core.handshake.Welcome;
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
 * output is shut down and everything the hub answers is read to its end.
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
        "0000000000                                 | protocol error: frame length 0 outside 1..65546",
        "007fffffff01                               | protocol error: frame length 2147483647 outside 1..65546",
        "000000000101                               | protocol error: data before the handshake finished",
        "000000000102                               | closed by peer",
        "000000000110                               | protocol error: unexpected handshake message 0x10",
        "000000000111                               | protocol error: handshake: truncated",
        "0000000001ee                               | protocol error: unknown message type 0xee",
        "010000000111                               | protocol error: handshake message 0x11 after the handshake",
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
            if (authenticate) {
                handshake(in, out);
            }
            if (input.length > 1) {
                out.write(input, 1, input.length - 1);
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

    /** Reads the CHALLENGE, answers as c1 with its key, and reads the WELCOME. */
    static void handshake(DataInputStream in, OutputStream out) throws IOException {
        ByteBuffer challenge = ByteBuffer.wrap(readFrame(in));
        assertEquals(Challenge.TYPE, challenge.get());
        Hello hello = new ClientHandshake(TestHub.name(1), TestHub.key(1)).answer(Challenge.read(challenge), true);
        ByteBuffer message = ByteBuffer.allocate(256).put(Hello.TYPE);
        hello.write(message);
        out.write(frame(message.flip()));
        ByteBuffer welcome = ByteBuffer.wrap(readFrame(in));
        assertEquals(Welcome.TYPE, welcome.get(), "c1 is welcome");
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 1 || length > 1 + TestHub.MTU) {
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
        byte[] hello = new byte[1 + Proofs.NONCE + Proofs.PROOF + 1 + 2];
        random.nextBytes(hello);
        hello[0] = HandshakeMessage.VERSION;
        hello[1 + Proofs.NONCE + Proofs.PROOF] = 2;
        byte keepalive = Messages.KEEPALIVE;
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(stream(0, frame(keepalive, new byte[0]), frame(Hello.TYPE, hello)));
        seeds.add(stream(0, frame(Messages.DATA, toHub)));
        seeds.add(stream(0, frame(Welcome.TYPE, new byte[40]), frame(Reject.TYPE, new byte[] {2, 0})));
        seeds.add(stream(1, frame(Messages.DATA, toHub), frame(keepalive, new byte[0]), frame(Messages.DATA, toOther)));
        seeds.add(stream(1, frame(Messages.DATA, spoofed), frame(Messages.DATA, toHub)));
        seeds.add(stream(1, frame(Hello.TYPE, hello)));
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
