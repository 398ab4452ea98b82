package io.lwt.codec.padded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.ProtocolException;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import io.lwt.testsupport.Allocations;
import io.lwt.testsupport.CodecFuzz;
import io.lwt.testsupport.Fuzz;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The padded decoder against random and mutated bytes: see {@link Fuzz} and {@link CodecFuzz}. */
class PaddedFuzzTest {

    private static final int MAX = 1401;
    private static final PaddedCodec DEFAULT = new PaddedCodec(PaddedCodec.DEFAULT_BUCKETS);
    /** A ProtocolException with its stack trace costs a few KiB; an attacker's 4 GiB length must cost nothing more. */
    private static final long ALLOCATION_BUDGET = 16 * 1024;

    /** The buckets shape the padding the seeds carry: to 1500 bytes, almost none, up to the protocol's 16383. */
    @ParameterizedTest(name = "buckets {0}, largest message {1} bytes")
    @CsvSource(delimiter = '|', value = {"128 512 1024 1500 | 1401 | 3000", "64 | 65536 | 1000", "16384 | 577 | 1500"})
    void anyBytesDecodeOrEndInAProtocolError(String buckets, int max, int cases) {
        PaddedCodec codec = new PaddedCodec(Arrays.stream(buckets.split(" ")).map(Integer::valueOf).toList());
        Fuzz.Result result = Fuzz.run("padded " + buckets.replace(' ', ',') + " max " + max,
                Fuzz.oneOf(Fuzz.bytes(4 * max), Fuzz.mutations(validStreams(codec, max))),
                CodecFuzz.decoder(codec, () -> codec.open(null, null, max, null), max),
                new Fuzz.Limits(cases, ALLOCATION_BUDGET, Duration.ofSeconds(10)));
        assertTrue(result.rejected() > result.cases() / 10 && result.rejected() < result.cases() * 9 / 10,
                "both valid and malformed inputs were tried: " + result);
    }

    @Test
    void decodingValidFramesAllocatesNothingPerFrame() throws Exception {
        Random random = new Random(7);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 1_000; i++) {
            stream.writeBytes(unit(DEFAULT, MAX, random));
        }
        ByteBuffer wire = ByteBuffer.wrap(stream.toByteArray());
        Framer framer = DEFAULT.open(null, null, MAX, null);
        AtomicInteger messages = new AtomicInteger();
        MessageSink count = m -> messages.incrementAndGet(); // linked once, outside the measurement
        framer.decode(wire.duplicate(), count);
        messages.set(0);
        long allocated = Allocations.of(() -> framer.decode(wire.duplicate(), count));
        assertEquals(2_000, messages.get(), "the empty frames are dropped");
        assertTrue(allocated < 1024, allocated + " bytes allocated for 3000 frames");
    }

    /**
     * Inputs that sit on an edge, as hex ({@code 00*121} repeats a byte), decoded with the default buckets and the
     * largest message 1401 bytes, and what that gives: the messages and the bytes left waiting for the rest of a
     * frame, or a rejection.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // lengths: zero (a frame to drop), the limit, beyond it, sign bit
        "00000000 0000                          | 0 messages",
        "00000000 0000 00000000 0002 ffff       | 0 messages",
        "00000579 0000 00*1401                  | 1 message",
        "0000057a 0000                          | rejected: frame length 1402 outside 0..1401",
        "7fffffff 0000                          | rejected: frame length 2147483647 outside 0..1401",
        "80000000 0000                          | rejected: frame length 2147483648 outside 0..1401",
        "ffffffff ffff                          | rejected: frame length 4294967295 outside 0..1401",
        "0000000000                             | 0 messages, 5 bytes waiting",
        // padding: longer than what arrived of the frame, the protocol's bound whatever the buckets, beyond it
        "00000001 0010 01                       | 0 messages, 7 bytes waiting",
        "00000001 0010 01 00*15                 | 0 messages, 22 bytes waiting",
        "00000001 0010 01 00*16                 | 1 message",
        "00000001 3fff 01 00*16383              | 1 message",
        "00000000 3fff 00*16383                 | 0 messages",
        "00000001 4000                          | rejected: padding of 16384 bytes, more than 16383",
        "00000000 ffff                          | rejected: padding of 65535 bytes, more than 16383",
        "00000001 0000 61 00000001 4000         | rejected: padding of 16384 bytes, more than 16383",
        // bucket edges: frames of exactly 128 and 1500 bytes, one over, and sizes no bucket has
        "0000007a 0000 00*122                   | 1 message",
        "00000001 0079 01 00*121                | 1 message",
        "0000007b 0000 00*123                   | 1 message",
        "00000579 005d 00*1401 00*93            | 1 message",
        "00000001 0000 61                       | 1 message",
        "00000002 0001 6162 00 00000001 0000 63 | 2 messages",
    })
    void corpus(String hex, String expected) throws Exception {
        byte[] input = CodecFuzz.corpusInput(hex);
        Fuzz.Target target = CodecFuzz.decoder(DEFAULT, () -> DEFAULT.open(null, null, MAX, null), MAX);
        assertEquals(expected.startsWith("rejected: ") ? expected : "accepted", Fuzz.outcome(target, input));
        assertEquals(expected, CodecFuzz.decodeAll(DEFAULT.open(null, null, MAX, null), input));
    }

    /** Valid streams to mutate: a few units each. */
    static List<byte[]> validStreams(PaddedCodec codec, int max) {
        Random random = new Random(max);
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int units = 1 + random.nextInt(3); units > 0; units--) {
                stream.writeBytes(unit(codec, max, random));
            }
            streams.add(stream.toByteArray());
        }
        return streams;
    }

    /**
     * A keepalive, a data message of random length, each padded to its bucket, and an empty frame of cover traffic
     * padded to a random bucket, which the receiver drops: the frames the encoder makes, with padding from the seeded
     * generator rather than the framer's own, so that runs repeat.
     */
    private static byte[] unit(PaddedCodec codec, int max, Random random) {
        PaddedCodec.PaddedFramer framer = (PaddedCodec.PaddedFramer) codec.open(null, null, max, null);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] message = new byte[1 + random.nextInt(random.nextBoolean() ? max : Math.min(max, 100))];
        random.nextBytes(message);
        message[0] = 0x01;
        for (byte[] m : List.of(new byte[] {0x02}, message)) {
            wire.writeBytes(frame(m, framer.frameSize(PaddedCodec.HEADER + m.length) - PaddedCodec.HEADER - m.length,
                    random));
        }
        int bucket = codec.buckets().get(random.nextInt(codec.buckets().size()));
        wire.writeBytes(frame(new byte[0], bucket - PaddedCodec.HEADER, random));
        return wire.toByteArray();
    }

    private static byte[] frame(byte[] message, int pad, Random random) {
        byte[] padding = new byte[pad];
        random.nextBytes(padding);
        return ByteBuffer.allocate(PaddedCodec.HEADER + message.length + pad).putInt(message.length)
                .putShort((short) pad).put(message).put(padding).array();
    }
}
