package io.lwt.core.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the cacophony test vectors (see the README beside the JSON file): from the same keys, both sides must write
 * every handshake and transport message byte for byte as the vector gives it, read back its payload, and agree on
 * the handshake hash. A difference in any byte fails the vector and names the message. The transport messages are
 * replayed three ways: with {@link CipherState#encryptWithAd}, and sealed and opened in place in a heap and in a
 * direct buffer with headroom before the message.
 */
class NoiseVectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int HEADROOM = 64;

    private enum TransportWay { WITH_AD, IN_PLACE_HEAP, IN_PLACE_DIRECT }

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> vectors() throws IOException {
        try (InputStream in = NoiseVectorsTest.class.getResourceAsStream("cacophony-25519-sha256.json")) {
            Map<String, Object> file = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return ((List<Map<String, Object>>) file.get("vectors")).stream();
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("vectors")
    void reproducesTheVector(Map<String, Object> vector) throws Exception {
        for (TransportWay way : TransportWay.values()) {
            replay(vector, way);
        }
    }

    @SuppressWarnings("unchecked")
    private static void replay(Map<String, Object> vector, TransportWay way) throws NoiseException {
        String protocol = (String) vector.get("protocol_name");
        HandshakeState initiator = side(vector, "init", true);
        HandshakeState responder = side(vector, "resp", false);
        boolean oneWay = HandshakePattern.named(protocol.split("_")[1]).oneWay();
        HandshakeState.Transport initiatorTransport = null;
        HandshakeState.Transport responderTransport = null;
        List<Map<String, Object>> messages = (List<Map<String, Object>>) vector.get("messages");
        for (int i = 0; i < messages.size(); i++) {
            byte[] payload = bytes(messages.get(i), "payload");
            String expected = (String) messages.get(i).get("ciphertext");
            boolean fromInitiator = oneWay || i % 2 == 0;
            String where = protocol + " message " + i + " (" + way + " replay)";
            if (!initiator.isComplete()) {
                HandshakeState sender = fromInitiator ? initiator : responder;
                HandshakeState receiver = fromInitiator ? responder : initiator;
                byte[] written = sender.writeMessage(payload);
                assertEquals(expected, HEX.formatHex(written), where);
                assertEquals(HEX.formatHex(payload), HEX.formatHex(receiver.readMessage(written)), where);
                if (initiator.isComplete()) {
                    assertEquals(vector.get("handshake_hash"), HEX.formatHex(initiator.handshakeHash()), protocol);
                    assertEquals(vector.get("handshake_hash"), HEX.formatHex(responder.handshakeHash()), protocol);
                    initiatorTransport = initiator.split();
                    responderTransport = responder.split();
                }
            } else {
                CipherState sending = fromInitiator ? initiatorTransport.sending() : responderTransport.sending();
                CipherState receiving = fromInitiator ? responderTransport.receiving() : initiatorTransport.receiving();
                transport(way, sending, receiving, payload, expected, where);
            }
        }
    }

    private static void transport(TransportWay way, CipherState sending, CipherState receiving, byte[] payload,
            String expected, String where) throws NoiseException {
        if (way == TransportWay.WITH_AD) {
            byte[] written = sending.encryptWithAd(new byte[0], payload);
            assertEquals(expected, HEX.formatHex(written), where);
            assertEquals(HEX.formatHex(payload), HEX.formatHex(receiving.decryptWithAd(new byte[0], written)), where);
            return;
        }
        int capacity = HEADROOM + payload.length + CipherFunction.TAGLEN;
        ByteBuffer buffer = way == TransportWay.IN_PLACE_DIRECT ? ByteBuffer.allocateDirect(capacity)
                : ByteBuffer.allocate(capacity);
        buffer.position(HEADROOM).put(payload).flip().position(HEADROOM);
        sending.seal(buffer);
        assertEquals(HEADROOM, buffer.position(), where);
        assertEquals(expected, HEX.formatHex(remaining(buffer)), where);
        receiving.open(buffer);
        assertEquals(HEADROOM, buffer.position(), where);
        assertEquals(HEX.formatHex(payload), HEX.formatHex(remaining(buffer)), where);
    }

    private static byte[] remaining(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @SuppressWarnings("unchecked")
    private static HandshakeState side(Map<String, Object> vector, String side, boolean initiator) {
        List<byte[]> psks = new ArrayList<>();
        for (Object psk : (List<Object>) vector.getOrDefault(side + "_psks", List.of())) {
            psks.add(HEX.parseHex((String) psk));
        }
        return new HandshakeState((String) vector.get("protocol_name"), initiator, bytes(vector, side + "_prologue"),
                keyPair(vector, side + "_static"), keyPair(vector, side + "_ephemeral"),
                vector.containsKey(side + "_remote_static") ? bytes(vector, side + "_remote_static") : null, psks);
    }

    private static Curve25519.KeyPair keyPair(Map<String, Object> vector, String key) {
        return vector.containsKey(key) ? Curve25519.fromPrivate(bytes(vector, key)) : null;
    }

    private static byte[] bytes(Map<String, Object> map, String key) {
        return HEX.parseHex((String) map.get(key));
    }
}
