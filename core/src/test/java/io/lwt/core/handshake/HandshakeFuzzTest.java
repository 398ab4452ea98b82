package io.lwt.core.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPrefix;
import io.lwt.core.noise.Curve25519;
import io.lwt.testsupport.Fuzz;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The handshake readers against random and mutated bodies (see {@link Fuzz}): only a ProtocolException escapes, the
 * allocation per body stays bounded whatever its length fields say, and what a reader accepts is something its
 * caller can use. Initiations that pass the framing go on to the hub's Noise reading, and responses to the client's:
 * mutated ones must fail there as protocol errors too.
 */
class HandshakeFuzzTest {

    /** A ProtocolException with its stack trace, a grant's 64 routes or a Noise message's keys cost a few KiB. */
    private static final Fuzz.Limits LIMITS = new Fuzz.Limits(8_000, 16 * 1024, Duration.ofSeconds(10));
    /**
     * The Noise readers' bound: the JDK's X25519, HMAC and AES-GCM objects of one handshake message take some 80 KiB,
     * whatever the message says; a length field that decided an allocation would show far above it.
     */
    private static final Fuzz.Limits NOISE_LIMITS = new Fuzz.Limits(2_000, 160 * 1024, Duration.ofSeconds(20));

    /** Readers get a message body as the session hands it out: a view inside a larger direct buffer. */
    private static final class Bodies {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(8 + Fuzz.MAX_INPUT + 8);

        ByteBuffer of(byte[] input) {
            buffer.clear();
            for (int i = 0; i < 8; i++) {
                buffer.put(i, (byte) 0x55).put(8 + input.length + i, (byte) 0x55);
            }
            return buffer.put(8, input).limit(8 + input.length).position(8);
        }
    }

    @Test
    void initiation() {
        Bodies bodies = new Bodies();
        run("handshake initiation", seeds(HandshakeFuzzTest::initiations), NOISE_LIMITS, input -> {
            Initiation initiation = Initiation.read(bodies.of(input));
            // the hub's reading of whatever passes the framing: a ProtocolException, never anything else
            new HubHandshake(HUB, new byte[0]).read(initiation, (key, certified) -> ALICE, java.util.Optional.empty());
        });
    }

    @Test
    void response() {
        Bodies bodies = new Bodies();
        // every input is refused: each seed answers another handshake, as a recorded or forged response would
        Fuzz.Result result = Fuzz.run("handshake response", Fuzz.oneOf(Fuzz.bytes(600), seeds(HandshakeFuzzTest::responses)),
                input -> {
                    Response response = Response.read(bodies.of(input));
                    ClientHandshake client = new ClientHandshake(ALICE_KEY, HUB.publicKey(), new byte[0]);
                    client.initiation(true);
                    client.read(response);
                }, NOISE_LIMITS);
        assertEquals(result.cases(), result.rejected(), result.toString());
    }

    @Test
    void answer() {
        Bodies bodies = new Bodies();
        run("handshake answer", seeds(HandshakeFuzzTest::answers), input -> {
            switch (Answer.read(bodies.of(input))) {
                case Grant grant -> {
                    assertTrue(grant.address().isIpv4() && grant.routes().size() <= Grant.MAX_ROUTES);
                    new io.lwt.core.SessionSettings(grant.keepalive(), grant.timeout(), 1); // the client applies them
                }
                case Reject reject -> assertTrue(reject.text().length() <= 255);
            }
        });
    }

    /** Valid messages come back as written, and the readers consume exactly what the writers wrote. */
    @Test
    void writtenMessagesReadBackIntact() throws Exception {
        Random random = new Random(1);
        ByteBuffer b = ByteBuffer.allocate(2048);
        for (int i = 0; i < 2_000; i++) {
            Grant grant = grant(random);
            grant.write(b.clear());
            assertEquals(grant, Answer.read(b.flip()));
            assertEquals(0, b.remaining());

            Reject reject = reject(random);
            reject.write(b.clear());
            assertEquals(reject, Answer.read(b.flip()));
            assertEquals(0, b.remaining());
        }
        Initiation initiation = new ClientHandshake(ALICE_KEY, HUB.publicKey(), new byte[0]).initiation(true);
        initiation.write(b.clear());
        Initiation read = Initiation.read(b.flip());
        assertArrayEquals(initiation.noise(), read.noise());
        assertArrayEquals(initiation.mac1(), read.mac1());
    }

    /** Bodies that sit on an edge or once failed, as hex, and what reading them gives. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "initiation |                 | rejected: handshake: truncated",
        "initiation | 01              | rejected: handshake version 1 is not supported (this node speaks 2)",
        "initiation | 02" + ZEROS_32 + " | rejected: initiation: 32 bytes, not a Noise message and its MAC",
        "response   | " + ZEROS_32 + ZEROS_16 + " | rejected: response: 48 bytes, not a Noise message",
        "answer     |                 | rejected: answer: truncated",
        "answer     | 03              | rejected: answer: unknown kind",
        "answer     | 010a00000121    | rejected: welcome: invalid prefix length 33",
        "answer     | 010a000001180578000003e800000bb841 | rejected: welcome: 65 routes, at most 64",
        "answer     | 010a000001180578000003e800000bb801c0a83200 | rejected: welcome: truncated",
        "answer     | 010a00000118057800000000000003e800 | rejected: welcome: keepalive 0s must be positive",
        "answer     | 010a000001180578000003e8000003e800 | rejected: welcome: timeout 1s must be longer than keepalive 1s",
        "answer     | 010a000001180578000003e800000bb800 | accepted",
        "answer     | 0200            | rejected: unknown reject code 0",
        "answer     | 020205          | rejected: reject: truncated",
        "answer     | 020200          | accepted",
    })
    void corpus(String reader, String hex, String expected) throws Exception {
        Bodies bodies = new Bodies();
        Fuzz.Target target = switch (reader) {
            case "initiation" -> input -> Initiation.read(bodies.of(input));
            case "response" -> input -> Response.read(bodies.of(input));
            case "answer" -> input -> Answer.read(bodies.of(input));
            default -> throw new IllegalArgumentException(reader);
        };
        assertEquals(expected, Fuzz.outcome(target, HexFormat.of().parseHex(hex == null ? "" : hex.strip())));
    }

    private static final String ZEROS_16 = "00000000000000000000000000000000";
    private static final String ZEROS_32 = ZEROS_16 + ZEROS_16;

    private static void run(String name, Fuzz.Generator seeds, Fuzz.Target target) {
        run(name, seeds, LIMITS, target);
    }

    private static void run(String name, Fuzz.Generator seeds, Fuzz.Limits limits, Fuzz.Target target) {
        Fuzz.Result result = Fuzz.run(name, Fuzz.oneOf(Fuzz.bytes(600), seeds), target, limits);
        assertTrue(result.rejected() < result.cases(), "some inputs were valid: " + result);
    }

    /** Mutations of 32 valid messages written by {@code writer}. */
    private static Fuzz.Generator seeds(java.util.function.BiConsumer<ByteBuffer, Random> writer) {
        Random random = new Random(2);
        List<byte[]> seeds = new ArrayList<>();
        ByteBuffer b = ByteBuffer.allocate(1024);
        for (int i = 0; i < 32; i++) {
            writer.accept(b.clear(), random);
            seeds.add(java.util.Arrays.copyOf(b.array(), b.position()));
        }
        return Fuzz.mutations(seeds);
    }

    private static final Curve25519.KeyPair HUB = Curve25519.fromPrivate(bytes(new Random(3), 32));
    private static final byte[] ALICE_KEY = bytes(new Random(4), 32);
    private static final Credential ALICE = Credential.of("alice", ALICE_KEY);

    private static void initiations(ByteBuffer out, Random random) {
        new ClientHandshake(random.nextBoolean() ? ALICE_KEY : bytes(random, 32), HUB.publicKey(), new byte[0])
                .initiation(random.nextBoolean()).write(out);
    }

    /** Genuine responses to other initiations of the same client: well formed, and each for another handshake. */
    private static void responses(ByteBuffer out, Random random) {
        ClientHandshake client = new ClientHandshake(ALICE_KEY, HUB.publicKey(), new byte[0]);
        HubHandshake hub = new HubHandshake(HUB, new byte[0]);
        try {
            hub.read(client.initiation(true), (key, certified) -> ALICE, java.util.Optional.empty());
        } catch (io.lwt.api.ProtocolException e) {
            throw new AssertionError(e);
        }
        hub.answer(random.nextBoolean() ? grant(random) : reject(random)).write(out);
    }

    private static void answers(ByteBuffer out, Random random) {
        (random.nextBoolean() ? grant(random) : reject(random)).write(out);
    }

    /** 1 to 64 bytes of UTF-8, some of it outside ASCII. */
    private static String name(Random random) {
        StringBuilder name = new StringBuilder();
        int length = 1 + random.nextInt(64);
        while (name.toString().getBytes(StandardCharsets.UTF_8).length < length) {
            name.append(random.nextInt(8) == 0 ? 'ü' : (char) ('a' + random.nextInt(26)));
        }
        String s = name.toString();
        return s.getBytes(StandardCharsets.UTF_8).length <= 64 ? s : s.substring(0, s.length() - 1);
    }

    private static Grant grant(Random random) {
        List<IpPrefix> routes = new ArrayList<>();
        for (int i = random.nextInt(4) == 0 ? Grant.MAX_ROUTES : random.nextInt(4); i > 0; i--) {
            routes.add(prefix(random));
        }
        Duration keepalive = Duration.ofMillis(1 + random.nextInt(60_000));
        return new Grant(prefix(random), null, 576 + random.nextInt(65_535 - 576 + 1), keepalive,
                keepalive.plusMillis(1 + random.nextInt(600_000)), routes, random.nextBoolean());
    }

    private static Reject reject(Random random) {
        Reject.Reason[] reasons = Reject.Reason.values();
        return new Reject(reasons[random.nextInt(reasons.length)], name(random));
    }

    private static IpPrefix prefix(Random random) {
        try {
            return new IpPrefix(InetAddress.getByAddress(bytes(random, 4)), random.nextInt(33));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
