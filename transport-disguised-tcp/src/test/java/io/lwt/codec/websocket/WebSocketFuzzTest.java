package io.lwt.codec.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Side;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import io.lwt.testsupport.Allocations;
import io.lwt.testsupport.CodecFuzz;
import io.lwt.testsupport.CodecTestKit;
import io.lwt.testsupport.Fuzz;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The WebSocket decoder of both sides against random and mutated bytes: see {@link Fuzz} and {@link CodecFuzz}. The
 * server's framer decodes masked frames from a client, the client's unmasked frames from a server.
 *
 * <p>The fuzzed framers are made as {@link WebSocketCodec#open} makes them once the HTTP upgrade is done: nothing of
 * the upgrade stays in a framer, and what arrived after the 101 (or the request) is left at the start of the receive
 * buffer for the first decode, as {@link CodecFuzz} puts its first read. The allocation test decodes with the framers
 * of a real upgrade.
 */
class WebSocketFuzzTest {

    private static final WebSocketCodec CODEC = new WebSocketCodec("/", Optional.empty(), new LinkedHashMap<>(), 404);
    private static final int MAX = 1401;
    /**
     * Per input, beyond the reassembly buffer each of the two passes' fresh framers makes at its first fragment (of
     * the message limit): exceptions with their stack traces, a close frame's reason.
     */
    private static final long ALLOCATION_BUDGET = 16 * 1024;
    private static final int FIN = 0x80;

    @ParameterizedTest(name = "{0} decoding, largest message {1} bytes")
    @CsvSource({"SERVER, 1401, 2500", "CLIENT, 1401, 2500", "SERVER, 65536, 500", "CLIENT, 65536, 500"})
    void anyBytesDecodeOrEndInAProtocolError(Side side, int max, int cases) {
        Fuzz.Result result = Fuzz.run("websocket " + side.name().toLowerCase(Locale.ROOT) + " max " + max,
                Fuzz.oneOf(Fuzz.bytes(4 * max), Fuzz.mutations(validStreams(side, max))),
                CodecFuzz.decoder(CODEC, () -> new WebSocketFramer(side, max), max),
                new Fuzz.Limits(cases, 2L * max + ALLOCATION_BUDGET, Duration.ofSeconds(10)));
        assertTrue(result.rejected() > result.cases() / 10 && result.rejected() < result.cases() * 9 / 10,
                "both valid and malformed inputs were tried: " + result);
    }

    /** Data frames, fragments with pings and pongs between them: none allocates, after a real upgrade. */
    @ParameterizedTest(name = "{0} decoding")
    @EnumSource(Side.class)
    void decodingValidFramesAllocatesNothingPerFrame(Side side) throws Exception {
        CodecTestKit.Opened opened = CodecTestKit.open(CODEC, MAX, MAX, List.of());
        try (var pair = opened.connections()) {
            Framer framer = side == Side.SERVER ? opened.server() : opened.client();
            Random random = new Random(11);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int i = 0; i < 500; i++) {
                stream.writeBytes(unit(side, MAX, random, false));
            }
            ByteBuffer wire = ByteBuffer.wrap(stream.toByteArray());
            AtomicInteger messages = new AtomicInteger();
            MessageSink count = m -> messages.incrementAndGet(); // linked once, outside the measurement
            framer.decode(wire.duplicate(), count); // unmasks the client's frames in place: the headers stay valid
            int expected = messages.getAndSet(0);
            long allocated = Allocations.of(() -> framer.decode(wire.duplicate(), count));
            assertEquals(expected, messages.get());
            assertTrue(expected >= 1500, expected + " messages");
            assertTrue(allocated < 1024, allocated + " bytes allocated for " + expected + " messages");
        }
    }

    /**
     * Inputs that sit on an edge, as hex ({@code 00*125} repeats a byte), decoded by a fresh framer of {@code side}
     * with the largest message 1401 bytes, and what that gives: the messages and the bytes left waiting for the rest
     * of a frame, the peer's close, or a rejection.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        // 64-bit lengths: the high bit set, beyond 32 bits, one over the limit, the header split
        "CLIENT | 827f8000000000000000         | rejected: message of 9223372036854775808 bytes, more than the limit of 1401",
        "CLIENT | 827fffffffffffffffff         | rejected: message of 18446744073709551615 bytes, more than the limit of 1401",
        "CLIENT | 827f0000000100000000         | rejected: message of 4294967296 bytes, more than the limit of 1401",
        "CLIENT | 827f000000000000057a         | rejected: message of 1402 bytes, more than the limit of 1401",
        "SERVER | 82ff8000000000000000         | 0 messages, 10 bytes waiting",
        "SERVER | 82ff800000000000000001020304 | rejected: message of 9223372036854775808 bytes, more than the limit of 1401",
        "CLIENT | 827f00000000                 | 0 messages, 6 bytes waiting",
        // lengths not in their shortest form are taken
        "CLIENT | 827f000000000000000161       | 1 message",
        "CLIENT | 827e000161                   | 1 message",
        "CLIENT | 827e0579 00*1401             | 1 message",
        "CLIENT | 827e057a                     | rejected: message of 1402 bytes, more than the limit of 1401",
        "CLIENT | 827e0000                     | rejected: empty message",
        "CLIENT | 8200                         | rejected: empty message",
        // control frames: longer than 125, fragmented, reserved opcodes
        "CLIENT | 897d 00*125                  | 0 messages",
        "CLIENT | 8a7d 00*125                  | 0 messages",
        "CLIENT | 897e007e                     | rejected: control frame longer than 125 bytes",
        "CLIENT | 897e007d                     | rejected: control frame longer than 125 bytes",
        "SERVER | 89fe007e                     | rejected: control frame longer than 125 bytes",
        "CLIENT | 8a7f0000000000000001         | rejected: control frame longer than 125 bytes",
        "CLIENT | 090161                       | rejected: fragmented control frame",
        "CLIENT | 0a00                         | rejected: fragmented control frame",
        "SERVER | 088000000000                 | rejected: fragmented control frame",
        "CLIENT | 8b00                         | rejected: reserved opcode 0xb",
        "CLIENT | 830161                       | rejected: reserved opcode 0x3",
        "CLIENT | 810161                       | rejected: text frame; the tunnel sends binary frames",
        // masking: each side takes only the other's
        "SERVER | 820161                       | rejected: unmasked frame from the client",
        "SERVER | 8281000000006182810102030460 | 2 messages",
        "CLIENT | 82810000000061               | rejected: masked frame from the server",
        // reserved bits
        "CLIENT | c20161                       | rejected: frame with reserved bits 0x40 (no extension was negotiated)",
        "CLIENT | a20161                       | rejected: frame with reserved bits 0x20 (no extension was negotiated)",
        "SERVER | 928100000000 61              | rejected: frame with reserved bits 0x10 (no extension was negotiated)",
        "CLIENT | f80203e8                     | rejected: frame with reserved bits 0x70 (no extension was negotiated)",
        // fragments
        "CLIENT | 02026162 89026869 800163     | 1 message",
        "CLIENT | 020161 8a00 000162 880203e8  | closed: WebSocket closed by the peer: 1000 (normal closure)",
        "CLIENT | 800161                       | rejected: continuation frame without a message to continue",
        "CLIENT | 020161 020162                | rejected: new message before the fragmented one ended",
        "CLIENT | 0200 8000                    | rejected: empty message",
        "CLIENT | 027e0578 00*1400 00020102    | rejected: message of 1402 bytes, more than the limit of 1401",
        "CLIENT | 027e0578 00*1400 800101      | 1 message",
        "CLIENT | 020161 007f000000000000057a  | rejected: message of 1403 bytes, more than the limit of 1401",
        // found by reading the fuzz kit's output: a 63-bit continuation length plus the buffered byte overflowed past the check
        "CLIENT | 020161 007f7fffffffffffffff  | rejected: message of 9223372036854775808 bytes, more than the limit of 1401",
        "SERVER | 02810000000061 00ff7fffffffffffffff00000000 | rejected: message of 9223372036854775808 bytes, more than the limit of 1401",
        // close: its status code and reason
        "CLIENT | 8800                         | closed: WebSocket closed by the peer without a status code",
        "CLIENT | 880161                       | rejected: close frame with a 1-byte payload",
        "CLIENT | 880203e8                     | closed: WebSocket closed by the peer: 1000 (normal closure)",
        "SERVER | 888201020304 02ea            | closed: WebSocket closed by the peer: 1000 (normal closure)",
        "CLIENT | 880203e7                     | rejected: close frame with the invalid status code 999",
        "CLIENT | 880203ec                     | rejected: close frame with the invalid status code 1004",
        "CLIENT | 880203ed                     | rejected: close frame with the invalid status code 1005",
        "CLIENT | 880203ee                     | rejected: close frame with the invalid status code 1006",
        "CLIENT | 880203f6                     | closed: WebSocket closed by the peer: 1014",
        "CLIENT | 880203f7                     | rejected: close frame with the invalid status code 1015",
        "CLIENT | 88020bb7                     | rejected: close frame with the invalid status code 2999",
        "CLIENT | 88020bb8                     | closed: WebSocket closed by the peer: 3000",
        "CLIENT | 88021388                     | rejected: close frame with the invalid status code 5000",
        "SERVER | 888200000000 ffff             | rejected: close frame with the invalid status code 65535",
        "CLIENT | 880403e8c328                 | rejected: close frame whose reason is not UTF-8",
        "CLIENT | 880503e9627965 820161        | closed: WebSocket closed by the peer: 1001 (going away) 'bye'",
        "CLIENT | 820161 880203e8              | closed: WebSocket closed by the peer: 1000 (normal closure)",
    })
    void corpus(Side side, String hex, String expected) throws Exception {
        byte[] input = CodecFuzz.corpusInput(hex);
        Fuzz.Target target = CodecFuzz.decoder(CODEC, () -> new WebSocketFramer(side, MAX), MAX);
        assertEquals(expected.startsWith("rejected: ") ? expected : "accepted", Fuzz.outcome(target, input));
        assertEquals(expected, CodecFuzz.decodeAll(new WebSocketFramer(side, MAX), input));
    }

    /** Valid streams to mutate, as the peer of {@code side} sends them: a few units each. */
    static List<byte[]> validStreams(Side side, int max) {
        Random random = new Random(max + side.ordinal());
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int units = 1 + random.nextInt(3); units > 0; units--) {
                stream.writeBytes(unit(side, max, random, i % 8 == 7));
            }
            streams.add(stream.toByteArray());
        }
        return streams;
    }

    /**
     * Frames to {@code side}: a keepalive-sized and a data message in one frame each, as the peer's engine sends them,
     * a message in fragments with a ping or a pong between them, and the peer's close if {@code close}.
     */
    private static byte[] unit(Side side, int max, Random random, boolean close) {
        Side peer = side == Side.SERVER ? Side.CLIENT : Side.SERVER;
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(frame(FIN | 0x2, new byte[] {0x02}, peer, random));
        wire.writeBytes(frame(FIN | 0x2, message(max, random), peer, random));
        byte[] message = message(max, random);
        int fragments = Math.min(message.length, 1 + random.nextInt(3));
        int start = 0;
        for (int f = 0; f < fragments; f++) {
            int left = fragments - 1 - f; // fragments after this one, a byte at least each
            int end = left == 0 ? message.length : start + 1 + random.nextInt(message.length - start - left);
            byte[] part = Arrays.copyOfRange(message, start, end);
            wire.writeBytes(frame((f == 0 ? 0x2 : 0x0) | (f == fragments - 1 ? FIN : 0), part, peer, random));
            if (f < fragments - 1) {
                byte[] ping = new byte[random.nextInt(WebSocketFramer.MAX_CONTROL_PAYLOAD + 1)];
                random.nextBytes(ping);
                wire.writeBytes(frame(FIN | (random.nextBoolean() ? 0x9 : 0xA), ping, peer, random));
            }
            start = end;
        }
        if (close) {
            wire.writeBytes(frame(FIN | 0x8, "\u0003\u00e9bye".getBytes(StandardCharsets.ISO_8859_1), peer, random));
        }
        return wire.toByteArray();
    }

    /** A message of random length, mostly short, sometimes up to {@code max}; the first byte is a DATA type. */
    private static byte[] message(int max, Random random) {
        byte[] message = new byte[1 + random.nextInt(random.nextInt(4) == 0 ? max : Math.min(max, 200))];
        random.nextBytes(message);
        message[0] = 0x01;
        return message;
    }

    /**
     * One frame as {@code peer} sends it, masked from a client: the encoder's format (see {@link WebSocketCodecTest}),
     * with masking keys from the seeded generator rather than the framer's own, so that runs repeat.
     */
    private static byte[] frame(int first, byte[] payload, Side peer, Random random) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(first);
        int maskBit = peer == Side.CLIENT ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            frame.write(maskBit | n);
        } else if (n <= 0xffff) {
            frame.write(maskBit | 126);
            frame.write(n >>> 8);
            frame.write(n);
        } else {
            frame.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) {
                frame.write((int) ((long) n >>> (8 * i)));
            }
        }
        byte[] key = new byte[4];
        if (maskBit != 0) {
            random.nextBytes(key);
            frame.writeBytes(key);
        }
        for (int i = 0; i < n; i++) {
            frame.write(payload[i] ^ key[i & 3]);
        }
        return frame.toByteArray();
    }
}
