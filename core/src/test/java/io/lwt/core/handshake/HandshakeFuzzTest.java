package io.lwt.core.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPrefix;
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
 * caller can use.
 */
class HandshakeFuzzTest {

    /** A ProtocolException with its stack trace, or a WELCOME's 64 routes, cost a few KiB; never more. */
    private static final Fuzz.Limits LIMITS = new Fuzz.Limits(8_000, 16 * 1024, Duration.ofSeconds(10));

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
    void challenge() {
        Bodies bodies = new Bodies();
        run("handshake challenge", seeds(HandshakeFuzzTest::challenges), input -> {
            assertEquals(Proofs.NONCE, Challenge.read(bodies.of(input)).serverNonce().length);
        });
    }

    @Test
    void hello() {
        Bodies bodies = new Bodies();
        run("handshake hello", seeds(HandshakeFuzzTest::hellos), input -> {
            Hello hello = Hello.read(bodies.of(input));
            assertEquals(Proofs.NONCE, hello.clientNonce().length);
            assertEquals(Proofs.PROOF, hello.proof().length);
            assertTrue(!hello.name().isEmpty() && hello.name().length() <= Hello.MAX_NAME, hello.name());
        });
    }

    @Test
    void welcome() {
        Bodies bodies = new Bodies();
        run("handshake welcome", seeds(HandshakeFuzzTest::welcomes), input -> {
            Welcome welcome = Welcome.read(bodies.of(input));
            assertEquals(Proofs.PROOF, welcome.proof().length);
            assertTrue(welcome.grant().address().isIpv4() && welcome.grant().routes().size() <= Welcome.MAX_ROUTES);
            new io.lwt.core.SessionSettings(welcome.grant().keepalive(), welcome.grant().timeout(), 1); // the client applies the hub's timers
        });
    }

    @Test
    void reject() {
        Bodies bodies = new Bodies();
        run("handshake reject", seeds(HandshakeFuzzTest::rejects), input -> {
            assertTrue(Reject.read(bodies.of(input)).text().length() <= 255);
        });
    }

    /** Valid messages come back as written, and the readers consume exactly what the writers wrote. */
    @Test
    void writtenMessagesReadBackIntact() throws Exception {
        Random random = new Random(1);
        ByteBuffer b = ByteBuffer.allocate(1024);
        for (int i = 0; i < 2_000; i++) {
            Hello hello = hello(random);
            hello.write(b.clear());
            Hello h = Hello.read(b.flip());
            assertArrayEquals(hello.clientNonce(), h.clientNonce());
            assertArrayEquals(hello.proof(), h.proof());
            assertEquals(hello.name(), h.name());
            assertEquals(0, b.remaining());

            Welcome welcome = welcome(random);
            welcome.write(b.clear());
            Welcome w = Welcome.read(b.flip());
            assertArrayEquals(welcome.proof(), w.proof());
            assertEquals(welcome.grant(), w.grant());
            assertEquals(0, b.remaining());

            Reject reject = reject(random);
            reject.write(b.clear());
            Reject r = Reject.read(b.flip());
            assertEquals(reject, r);
            assertEquals(0, b.remaining());
        }
    }

    /** Bodies that sit on an edge or once failed, as hex, and what reading them gives. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "challenge |                 | rejected: handshake: truncated",
        "challenge | 02              | rejected: handshake version 2 is not supported (this node speaks 1)",
        "challenge | 01" + ZEROS_31 + "       | rejected: challenge: truncated",
        "hello     | 01" + ZEROS_64 + "00     | rejected: hello: name length 0 outside 1..64",
        "hello     | 01" + ZEROS_64 + "41     | rejected: hello: name length 65 outside 1..64",
        "hello     | 01" + ZEROS_64 + "02ff   | rejected: hello: truncated",
        "hello     | 01" + ZEROS_64 + "02fffe | accepted",
        "welcome   | 01" + ZEROS_32 + "0a00000121 | rejected: welcome: invalid prefix length 33",
        "welcome   | 01" + ZEROS_32 + "0a000001180578000003e800000bb841 | rejected: welcome: 65 routes, at most 64",
        "welcome   | 01" + ZEROS_32 + "0a000001180578000003e800000bb801c0a83200 | rejected: welcome: truncated",
        "welcome   | 01" + ZEROS_32 + "0a00000118057800000000000003e800 | rejected: welcome: keepalive 0s must be positive",
        "welcome   | 01" + ZEROS_32 + "0a000001180578000003e8000003e800 | rejected: welcome: timeout 1s must be longer than keepalive 1s",
        "welcome   | 01" + ZEROS_32 + "0a000001180578000003e800000bb800 | accepted",
        "reject    | 00              | rejected: unknown reject code 0",
        "reject    | 0205            | rejected: reject: truncated",
        "reject    | 0200            | accepted",
    })
    void corpus(String reader, String hex, String expected) throws Exception {
        Bodies bodies = new Bodies();
        Fuzz.Target target = switch (reader) {
            case "challenge" -> input -> Challenge.read(bodies.of(input));
            case "hello" -> input -> Hello.read(bodies.of(input));
            case "welcome" -> input -> Welcome.read(bodies.of(input));
            case "reject" -> input -> Reject.read(bodies.of(input));
            default -> throw new IllegalArgumentException(reader);
        };
        assertEquals(expected, Fuzz.outcome(target, HexFormat.of().parseHex(hex == null ? "" : hex.strip())));
    }

    private static final String ZEROS_31 = "00000000000000000000000000000000000000000000000000000000000000";
    private static final String ZEROS_32 = ZEROS_31 + "00";
    private static final String ZEROS_64 = ZEROS_32 + ZEROS_32;

    private static void run(String name, Fuzz.Generator seeds, Fuzz.Target target) {
        Fuzz.Result result = Fuzz.run(name, Fuzz.oneOf(Fuzz.bytes(600), seeds), target, LIMITS);
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

    private static void challenges(ByteBuffer out, Random random) {
        new Challenge(bytes(random, Proofs.NONCE)).write(out);
    }

    private static void hellos(ByteBuffer out, Random random) {
        (hello(random)).write(out);
    }

    private static void welcomes(ByteBuffer out, Random random) {
        (welcome(random)).write(out);
    }

    private static void rejects(ByteBuffer out, Random random) {
        (reject(random)).write(out);
    }

    private static Hello hello(Random random) {
        return new Hello(bytes(random, Proofs.NONCE), bytes(random, Proofs.PROOF), name(random), random.nextBoolean());
    }

    /** 1 to 64 bytes of UTF-8, some of it outside ASCII. */
    private static String name(Random random) {
        StringBuilder name = new StringBuilder();
        int length = 1 + random.nextInt(Hello.MAX_NAME);
        while (name.toString().getBytes(StandardCharsets.UTF_8).length < length) {
            name.append(random.nextInt(8) == 0 ? 'ü' : (char) ('a' + random.nextInt(26)));
        }
        String s = name.toString();
        return s.getBytes(StandardCharsets.UTF_8).length <= Hello.MAX_NAME ? s : s.substring(0, s.length() - 1);
    }

    private static Welcome welcome(Random random) {
        List<IpPrefix> routes = new ArrayList<>();
        for (int i = random.nextInt(4) == 0 ? Welcome.MAX_ROUTES : random.nextInt(4); i > 0; i--) {
            routes.add(prefix(random));
        }
        Duration keepalive = Duration.ofMillis(1 + random.nextInt(60_000));
        return new Welcome(bytes(random, Proofs.PROOF), new Grant(prefix(random), null, 576 + random.nextInt(65_535 - 576 + 1),
                keepalive, keepalive.plusMillis(1 + random.nextInt(600_000)), routes, random.nextBoolean()));
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
