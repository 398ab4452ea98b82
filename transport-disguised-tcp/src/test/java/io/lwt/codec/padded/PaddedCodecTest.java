package io.lwt.codec.padded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.api.ProtocolException;
import io.lwt.api.codec.Framer;
import io.lwt.testsupport.CodecTestKit;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaddedCodecTest {

    private static final int MAX = 1 + 1400;
    private final PaddedCodec codec = new PaddedCodec(List.of(128, 512, 1024, 1500));
    private final Framer framer = codec.open(null, null, MAX, null);

    @Test
    void passesTheCodecTestKit() throws Exception {
        CodecTestKit.check(codec, MAX, 7);
        CodecTestKit.check(new PaddedCodec(List.of(64)), 65536, 8);
    }

    @Test
    void framesAreExactlyTheBucketSizes() {
        assertEquals(128, wire(1).length);
        assertEquals(128, wire(122).length, "6 + 122 fits the first bucket exactly");
        assertEquals(512, wire(123).length);
        assertEquals(1024, wire(1000).length);
        assertEquals(1500, wire(1401).length);
        assertEquals(3000, ((PaddedCodec.PaddedFramer) framer).frameSize(1501), "beyond: multiples of the largest");
        assertEquals(1499, codec.tailroom(), "the most padding a frame gets");
    }

    @Test
    void theHeaderCarriesLengthAndPaddingAndTheRestIsRandom() {
        byte[] a = wire(3);
        assertEquals("00000003" + "0077" + "aabbcc", HexFormat.of().formatHex(a, 0, 9), "3 bytes, 119 of padding");
        assertTrue(!java.util.Arrays.equals(a, 9, 128, wire(3), 9, 128), "padding differs between frames");
    }

    @Test
    void theReceiverStripsPaddingAndDropsEmptyFrames() throws Exception {
        byte[] empty = HexFormat.of().parseHex("00000000" + "0002" + "ffff");
        byte[] one = wire(3);
        ByteBuffer inbound = ByteBuffer.allocate(empty.length + one.length).put(empty).put(one).flip();
        List<byte[]> messages = new ArrayList<>();
        framer.decode(inbound, m -> {
            byte[] copy = new byte[m.remaining()];
            m.get(m.position(), copy);
            messages.add(copy);
        });
        assertEquals(1, messages.size());
        assertArrayEquals(new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc}, messages.getFirst());
        assertEquals(inbound.limit(), inbound.position());
    }

    @Test
    void lengthsBeyondTheLimitsAreProtocolErrors() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> framer.decode(ByteBuffer.wrap(HexFormat.of().parseHex("7fffffff0000")), m -> { }));
        assertEquals("frame length 2147483647 outside 0.." + MAX, e.getMessage());
        e = assertThrows(ProtocolException.class,
                () -> framer.decode(ByteBuffer.wrap(HexFormat.of().parseHex("000000014000")), m -> { }));
        assertEquals("padding of 16384 bytes, more than 16383", e.getMessage());
        CodecTestKit.rejects(framer, HexFormat.of().parseHex("ffffffff0000"));
    }

    @Test
    void readsTheBuckets() {
        Config config = Config.builder("codec.padded", Config.Location.of("f"))
                .put("buckets", new ConfigValue.Sequence(List.of(scalar("256"), scalar("1500")), Config.Location.of("f")))
                .build();
        assertEquals(new PaddedCodec(List.of(256, 1500)), new PaddedCodecProvider().create(config));
        assertEquals(new PaddedCodec(List.of(128, 512, 1024, 1500)),
                new PaddedCodecProvider().create(Config.empty("codec.padded", Config.Location.of("f"))));
        assertEquals(new PaddedCodec(PaddedCodec.DEFAULT_BUCKETS, 20), new PaddedCodecProvider().create(
                Config.builder("codec.padded", Config.Location.of("f")).put("chaff-rate", "20").build()));
    }

    @Test
    void rejectsBadBuckets() {
        assertConfigError("[1500, 512]", "f: codec.padded.buckets: sizes must increase: 512 after 1500");
        assertConfigError("[32]", "f: codec.padded.buckets: size 32 outside 64..16384");
        assertConfigError("[big]", "f: codec.padded.buckets: expected sizes in bytes, got 'big'");
        ConfigException e = assertThrows(ConfigException.class, () -> new PaddedCodecProvider().create(
                Config.builder("codec.padded", Config.Location.of("f")).put("chaff-rate", "-5").build()));
        assertTrue(e.getMessage().startsWith("f: codec.padded.chaff-rate: "), e.getMessage());
        e = assertThrows(ConfigException.class, () -> new PaddedCodecProvider().create(
                Config.builder("codec.padded", Config.Location.of("f")).put("chaf-rate", "5").build()));
        assertTrue(e.getMessage().startsWith("f: codec.padded.chaf-rate: unknown key"), e.getMessage());
    }

    private static void assertConfigError(String list, String message) {
        List<ConfigValue> items = new ArrayList<>();
        for (String item : list.substring(1, list.length() - 1).split(",")) {
            items.add(scalar(item.trim()));
        }
        Config config = Config.builder("codec.padded", Config.Location.of("f"))
                .put("buckets", new ConfigValue.Sequence(items, Config.Location.of("f"))).build();
        ConfigException e = assertThrows(ConfigException.class, () -> new PaddedCodecProvider().create(config));
        assertEquals(message, e.getMessage());
    }

    private static ConfigValue scalar(String text) {
        return new ConfigValue.Scalar(text, Config.Location.of("f"));
    }

    private byte[] wire(int length) {
        byte[] message = new byte[length];
        for (int i = 0; i < length; i++) {
            message[i] = (byte) (0xaa + 0x11 * (i % 3));
        }
        return CodecTestKit.encode(codec, framer, message);
    }
}
