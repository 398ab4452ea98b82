package io.lwt.codec.lengthprefix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.codec.Codec;
import io.lwt.api.codec.MessageSink;
import io.lwt.testsupport.Allocations;
import io.lwt.testsupport.CodecFuzz;
import io.lwt.testsupport.CodecTestKit;
import io.lwt.testsupport.Fuzz;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The length-prefix decoder against random and mutated bytes: see {@link Fuzz} and {@link CodecFuzz}. */
class LengthPrefixFuzzTest {

    private static final Codec CODEC = new LengthPrefixCodec();
    /** A ProtocolException with its stack trace costs a few KiB; an attacker's 2 GiB length must cost nothing more. */
    private static final long ALLOCATION_BUDGET = 16 * 1024;

    @ParameterizedTest(name = "largest message {0} bytes")
    @CsvSource({"577", "1401", "65536"})
    void anyBytesDecodeOrEndInAProtocolError(int max) {
        Fuzz.Result result = Fuzz.run("length-prefix max " + max,
                Fuzz.oneOf(Fuzz.bytes(4 * max), Fuzz.mutations(validStreams(max))),
                CodecFuzz.decoder(CODEC, () -> new LengthPrefixCodec.LengthPrefixFramer(max), max),
                new Fuzz.Limits(6_000, ALLOCATION_BUDGET, Duration.ofSeconds(10)));
        assertTrue(result.rejected() > result.cases() / 10 && result.rejected() < result.cases() * 9 / 10,
                "both valid and malformed inputs were tried: " + result);
    }

    @Test
    void decodingValidFramesAllocatesNothingPerFrame() throws Exception {
        int max = 1401;
        ByteBuffer wire = ByteBuffer.wrap(stream(max, 2_000, new Random(7)));
        LengthPrefixCodec.LengthPrefixFramer framer = new LengthPrefixCodec.LengthPrefixFramer(max);
        AtomicInteger messages = new AtomicInteger();
        MessageSink count = m -> messages.incrementAndGet(); // linked once, outside the measurement
        framer.decode(wire.duplicate(), count);
        messages.set(0);
        long allocated = Allocations.of(() -> framer.decode(wire.duplicate(), count));
        assertEquals(4_000, messages.get());
        assertTrue(allocated < 1024, allocated + " bytes allocated for 2000 frames");
    }

    /** Inputs that sit on an edge or once failed, as hex, and what decoding them gives. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "00000000                   | rejected: frame length 0 outside 1..1401",
        "ffffffff                   | rejected: frame length 4294967295 outside 1..1401",
        "7fffffff00                 | rejected: frame length 2147483647 outside 1..1401",
        "80000000                   | rejected: frame length 2147483648 outside 1..1401",
        "0000057a                   | rejected: frame length 1402 outside 1..1401",
        "00000579                   | accepted",
        "000000                     | accepted",
        "0000000102                 | accepted",
        "000000010200000000         | rejected: frame length 0 outside 1..1401",
    })
    void corpus(String hex, String expected) throws Exception {
        Fuzz.Target target = CodecFuzz.decoder(CODEC, () -> new LengthPrefixCodec.LengthPrefixFramer(1401), 1401);
        assertEquals(expected, Fuzz.outcome(target, HexFormat.of().parseHex(hex.strip())));
    }

    /** Valid streams to mutate: a few frames each, from one byte to {@code max}. */
    static List<byte[]> validStreams(int max) {
        Random random = new Random(max);
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            streams.add(stream(max, 1 + random.nextInt(4), random));
        }
        return streams;
    }

    /** {@code pairs} keepalives and data messages of random length, as the engine frames them. */
    private static byte[] stream(int max, int pairs, Random random) {
        LengthPrefixCodec.LengthPrefixFramer framer = new LengthPrefixCodec.LengthPrefixFramer(max);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < pairs; i++) {
            wire.writeBytes(CodecTestKit.encode(CODEC, framer, new byte[] {0x02}));
            byte[] message = new byte[1 + random.nextInt(random.nextBoolean() ? max : Math.min(max, 100))];
            random.nextBytes(message);
            message[0] = 0x01;
            wire.writeBytes(CodecTestKit.encode(CODEC, framer, message));
        }
        return wire.toByteArray();
    }
}
