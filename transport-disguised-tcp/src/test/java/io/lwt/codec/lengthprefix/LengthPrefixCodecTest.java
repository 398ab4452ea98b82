package io.lwt.codec.lengthprefix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ProtocolException;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import io.lwt.testsupport.CodecTestKit;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthPrefixCodecTest {

    private static final int MAX = 1 + 9000;
    private final Codec codec = new LengthPrefixCodec();
    private final Framer framer = new LengthPrefixCodec.LengthPrefixFramer(MAX);

    private byte[] encode(byte[] message) {
        return CodecTestKit.encode(codec, framer, message);
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
    void passesTheCodecTestKit() throws Exception {
        CodecTestKit.check(codec, MAX, 42);
        CodecTestKit.check(codec, 65536, 43);
        CodecTestKit.rejects(framer, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
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
    void aTlsClientHelloIsNamedAsSuch() {
        byte[] clientHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        ProtocolException e = assertThrows(ProtocolException.class, () -> decodeAll(ByteBuffer.wrap(clientHello)));
        assertEquals("frame length 369295618 outside 1.." + MAX
                + ": these bytes start a TLS record (does the peer use transport tls?)", e.getMessage());
    }

    @Test
    void rejectsAnyKey() {
        Config config = Config.builder("codec.length-prefix", Config.Location.of("f")).put("max", "1").build();
        assertThrows(ConfigException.class, () -> new LengthPrefixCodecProvider().create(config));
    }
}
