package io.lwt.codec.lengthprefix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ProtocolException;
import io.lwt.api.codec.Framer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LengthPrefixCodecTest {

    private static final int MAX = 1 + 9000;
    private final Framer framer = new LengthPrefixCodec.LengthPrefixFramer(MAX);

    /** Encodes a message the way the engine does: in a buffer with headroom, framed in place. */
    private byte[] encode(byte[] message) {
        ByteBuffer b = ByteBuffer.allocateDirect(64 + message.length);
        b.position(64).put(message).flip().position(64);
        framer.encode(b);
        byte[] wire = new byte[b.remaining()];
        b.get(wire);
        return wire;
    }

    private List<byte[]> decodeAll(ByteBuffer inbound) throws Exception {
        List<byte[]> out = new ArrayList<>();
        framer.decode(inbound, m -> {
            byte[] copy = new byte[m.remaining()];
            m.get(m.position(), copy);
            out.add(copy);
        });
        return out;
    }

    @Test
    void framesAreTheOriginalProgramsBytes() {
        byte[] data = {0x01, 0x45, 0x00};
        assertEquals("00000003" + "014500", HexFormat.of().formatHex(encode(data)));
        assertEquals("00000001" + "02", HexFormat.of().formatHex(encode(new byte[] {0x02})), "keepalive");
    }

    @Test
    void roundTripWithArbitrarySplitsAndCoalescedFrames() throws Exception {
        Random random = new Random(42);
        List<byte[]> messages = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            byte[] m = new byte[1 + random.nextInt(MAX)];
            random.nextBytes(m);
            messages.add(m);
            stream.writeBytes(encode(m));
        }
        byte[] wire = stream.toByteArray();
        for (int chunkMax : new int[] {1, 7, 1500, 65536, wire.length}) {
            ByteBuffer inbound = ByteBuffer.allocate(2 * (MAX + 4));
            List<byte[]> received = new ArrayList<>();
            int offset = 0;
            while (offset < wire.length) {
                int n = Math.min(Math.min(1 + random.nextInt(chunkMax), wire.length - offset), inbound.remaining());
                inbound.put(wire, offset, n);
                offset += n;
                inbound.flip();
                received.addAll(decodeAll(inbound));
                inbound.compact();
            }
            assertEquals(0, inbound.position(), "nothing left over with chunks up to " + chunkMax);
            assertEquals(messages.size(), received.size());
            for (int i = 0; i < messages.size(); i++) {
                assertArrayEquals(messages.get(i), received.get(i), "message " + i + ", chunks up to " + chunkMax);
            }
        }
    }

    @Test
    void truncatedFrameStaysPending() throws Exception {
        byte[] wire = encode(new byte[] {1, 2, 3, 4, 5});
        ByteBuffer inbound = ByteBuffer.wrap(wire, 0, wire.length - 1);
        assertTrue(decodeAll(inbound).isEmpty());
        assertEquals(0, inbound.position(), "the incomplete frame is not consumed");
    }

    @Test
    void oversizedAndEmptyFramesAreProtocolErrors() {
        ByteBuffer huge = ByteBuffer.allocate(8).putInt(0x7fffffff).putInt(0).flip();
        ProtocolException e = assertThrows(ProtocolException.class, () -> decodeAll(huge));
        assertEquals("frame length 2147483647 outside 1.." + MAX, e.getMessage());
        ByteBuffer negative = ByteBuffer.allocate(4).putInt(-1).flip();
        assertThrows(ProtocolException.class, () -> decodeAll(negative));
        ByteBuffer empty = ByteBuffer.allocate(4).putInt(0).flip();
        assertThrows(ProtocolException.class, () -> decodeAll(empty));
        ByteBuffer oneOver = ByteBuffer.allocate(4).putInt(MAX + 1).flip();
        assertThrows(ProtocolException.class, () -> decodeAll(oneOver));
    }

    @Test
    void rejectsAnyKey() {
        Config config = Config.builder("codec.length-prefix", Config.Location.of("f")).put("max", "1").build();
        assertThrows(ConfigException.class, () -> new LengthPrefixCodecProvider().create(config));
    }
}
