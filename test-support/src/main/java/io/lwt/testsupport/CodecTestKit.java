package io.lwt.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.ProtocolException;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Checks any codec's framer in memory, as the engine uses it: messages encoded in place in buffers with the codec's
 * headroom and tailroom, and decoded from a receive buffer fed in arbitrary chunks. A third-party codec's tests call
 * these with framers of their own.
 */
public final class CodecTestKit {

    private CodecTestKit() {}

    /**
     * Round trip of random messages up to {@code maxMessageLength}: encoded by {@code sender}, decoded by
     * {@code receiver} from chunks of 1 byte up to everything at once (split and coalesced frames), with nothing
     * left over.
     */
    public static void roundTrip(Codec codec, Framer sender, Framer receiver, int maxMessageLength, long seed)
            throws IOException {
        Random random = new Random(seed);
        List<byte[]> messages = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            byte[] message = new byte[1 + random.nextInt(maxMessageLength)];
            random.nextBytes(message);
            messages.add(message);
            wire.writeBytes(encode(codec, sender, message));
        }
        byte[] bytes = wire.toByteArray();
        int receiveBuffer = 2 * (codec.headroom() + maxMessageLength + codec.tailroom());
        for (int largestChunk : new int[] {1, 7, 1500, 65536, bytes.length}) {
            List<byte[]> received = decode(receiver, bytes, receiveBuffer, largestChunk, random);
            assertEquals(messages.size(), received.size(), "messages with chunks of up to " + largestChunk + " bytes");
            for (int i = 0; i < messages.size(); i++) {
                assertArrayEquals(messages.get(i), received.get(i), "message " + i + ", chunks of up to " + largestChunk);
            }
        }
    }

    /** A framer must refuse what does not decode with the protocol exception, without reading past the buffer. */
    public static void rejects(Framer receiver, byte[] garbage) {
        ByteBuffer inbound = ByteBuffer.wrap(garbage);
        assertThrows(ProtocolException.class, () -> receiver.decode(inbound, m -> { }),
                "garbage must be a ProtocolException");
        assertTrue(inbound.position() <= garbage.length);
    }

    /** Encodes one message the engine's way: in place, in a direct buffer with the codec's headroom and tailroom. */
    public static byte[] encode(Codec codec, Framer framer, byte[] message) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(codec.headroom() + message.length + codec.tailroom());
        buffer.position(codec.headroom()).put(message).flip().position(codec.headroom());
        framer.encode(buffer);
        byte[] wire = new byte[buffer.remaining()];
        buffer.get(wire);
        return wire;
    }

    private static List<byte[]> decode(Framer framer, byte[] wire, int receiveBuffer, int largestChunk, Random random)
            throws IOException {
        ByteBuffer inbound = ByteBuffer.allocate(receiveBuffer);
        List<byte[]> received = new ArrayList<>();
        int offset = 0;
        while (offset < wire.length) {
            int n = Math.min(Math.min(1 + random.nextInt(largestChunk), wire.length - offset), inbound.remaining());
            inbound.put(wire, offset, n);
            offset += n;
            inbound.flip();
            framer.decode(inbound, message -> {
                byte[] copy = new byte[message.remaining()];
                message.get(message.position(), copy);
                received.add(copy);
            });
            inbound.compact();
        }
        assertEquals(0, inbound.position(), "bytes left over after the last frame");
        return received;
    }
}
