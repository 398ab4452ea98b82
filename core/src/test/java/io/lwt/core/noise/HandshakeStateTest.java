package io.lwt.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IKpsk2 handshakes with fresh keys, as the tunnel runs them, and every way they must fail. */
class HandshakeStateTest {

    private static final String IK_PSK2 = "Noise_IKpsk2_25519_AESGCM_SHA256";
    private static final byte[] PROLOGUE = "lwt test".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HELLO = "hello, I am a client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WELCOME = "welcome: 10.0.0.2/24".getBytes(StandardCharsets.US_ASCII);

    private final Curve25519.KeyPair hub = Curve25519.generate();
    private final Curve25519.KeyPair client = Curve25519.generate();
    private final byte[] psk = Curve25519.generate().privateKey(); // any 32 random bytes

    @Test
    void freshEphemeralsCompleteAndTellTheResponderWhoCalled() throws NoiseException {
        HandshakeState initiator = initiator(hub.publicKey(), psk, null);
        HandshakeState responder = responder(psk);
        assertNull(responder.remoteStatic());
        assertArrayEquals(HELLO, responder.readMessage(initiator.writeMessage(HELLO)));
        assertArrayEquals(client.publicKey(), responder.remoteStatic());
        assertArrayEquals(WELCOME, initiator.readMessage(responder.writeMessage(WELCOME)));
        assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());

        HandshakeState.Transport mine = initiator.split();
        HandshakeState.Transport theirs = responder.split();
        byte[] up = mine.sending().encryptWithAd(new byte[0], HELLO);
        assertArrayEquals(HELLO, theirs.receiving().decryptWithAd(new byte[0], up));
        assertThrows(NoiseException.class, () -> mine.receiving().decryptWithAd(new byte[0], up),
                "each direction has its own key");
    }

    @Test
    void aWrongPskFailsTheSecondMessageWhereItIsMixedIn() throws NoiseException {
        HandshakeState initiator = initiator(hub.publicKey(), psk, null);
        HandshakeState responder = responder(Curve25519.generate().privateKey());
        responder.readMessage(initiator.writeMessage(HELLO));
        byte[] welcome = responder.writeMessage(WELCOME);
        NoiseException e = assertThrows(NoiseException.class, () -> initiator.readMessage(welcome));
        assertEquals("a sealed message failed its authentication", e.getMessage());
    }

    @Test
    void anInitiatorPinningAnotherResponderKeyFailsTheFirstMessage() throws NoiseException {
        byte[] hello = initiator(Curve25519.generate().publicKey(), psk, null).writeMessage(HELLO);
        assertThrows(NoiseException.class, () -> responder(psk).readMessage(hello));
    }

    @Test
    void aDifferentPrologueFailsTheFirstMessage() throws NoiseException {
        byte[] hello = new HandshakeState(IK_PSK2, true, "other".getBytes(StandardCharsets.US_ASCII), client, null,
                hub.publicKey(), List.of(psk)).writeMessage(HELLO);
        assertThrows(NoiseException.class, () -> responder(psk).readMessage(hello));
    }

    @Test
    void everySingleBitFlipOfEitherMessageIsDetected() throws NoiseException {
        // One ephemeral for every initiator here, so each writes the same first message and one answer fits them all
        Curve25519.KeyPair ephemeral = Curve25519.generate();
        byte[] hello = initiator(hub.publicKey(), psk, ephemeral).writeMessage(HELLO);
        for (int bit = 0; bit < hello.length * 8; bit++) {
            byte[] flipped = flipBit(hello, bit);
            assertThrows(NoiseException.class, () -> responder(psk).readMessage(flipped), "message 1, bit " + bit);
        }
        HandshakeState responder = responder(psk);
        responder.readMessage(hello);
        byte[] welcome = responder.writeMessage(WELCOME);
        for (int bit = 0; bit < welcome.length * 8; bit++) {
            byte[] flipped = flipBit(welcome, bit);
            HandshakeState initiator = initiator(hub.publicKey(), psk, ephemeral);
            initiator.writeMessage(HELLO);
            assertThrows(NoiseException.class, () -> initiator.readMessage(flipped), "message 2, bit " + bit);
        }
        HandshakeState initiator = initiator(hub.publicKey(), psk, ephemeral);
        initiator.writeMessage(HELLO);
        assertArrayEquals(WELCOME, initiator.readMessage(welcome), "unflipped, the answer is read");
    }

    @Test
    void aTruncatedMessageIsRefused() throws NoiseException {
        byte[] hello = initiator(hub.publicKey(), psk, null).writeMessage(HELLO);
        NoiseException keys = assertThrows(NoiseException.class,
                () -> responder(psk).readMessage(Arrays.copyOf(hello, 40)));
        assertEquals("a handshake message of 40 bytes is too short for its pattern", keys.getMessage());
        assertThrows(NoiseException.class, () -> responder(psk).readMessage(Arrays.copyOf(hello, 80 + 15)),
                "shorter than the payload's tag");
        assertThrows(NoiseException.class,
                () -> responder(psk).readMessage(Arrays.copyOf(hello, hello.length - 1)), "one byte short");
    }

    @Test
    void aLowOrderKeyIsRefusedPinnedOrSent() throws NoiseException {
        HandshakeState pinnedZero = initiator(new byte[32], psk, null);
        NoiseException pinned = assertThrows(NoiseException.class, () -> pinnedZero.writeMessage(HELLO));
        assertTrue(pinned.getMessage().contains("small order"), pinned.getMessage());

        byte[] hello = initiator(hub.publicKey(), psk, null).writeMessage(HELLO);
        Arrays.fill(hello, 0, 32, (byte) 0); // the initiator's ephemeral, now the point of order 1
        NoiseException sent = assertThrows(NoiseException.class, () -> responder(psk).readMessage(hello));
        assertTrue(sent.getMessage().contains("small order"), sent.getMessage());
    }

    @Test
    void turnsOutOfOrderAreRefused() throws NoiseException {
        HandshakeState initiator = initiator(hub.publicKey(), psk, null);
        HandshakeState responder = responder(psk);
        assertThrows(IllegalStateException.class, () -> initiator.readMessage(new byte[100]));
        assertThrows(IllegalStateException.class, () -> responder.writeMessage(WELCOME));
        assertThrows(IllegalStateException.class, initiator::split);

        responder.readMessage(initiator.writeMessage(HELLO));
        assertThrows(IllegalStateException.class, () -> initiator.writeMessage(HELLO), "the responder's turn");
        initiator.readMessage(responder.writeMessage(WELCOME));
        assertTrue(initiator.isComplete());
        assertThrows(IllegalStateException.class, () -> initiator.writeMessage(HELLO), "complete");
        assertThrows(IllegalStateException.class, () -> responder.readMessage(new byte[100]), "complete");
    }

    private HandshakeState initiator(byte[] hubKey, byte[] key, Curve25519.KeyPair ephemeral) {
        return new HandshakeState(IK_PSK2, true, PROLOGUE, client, ephemeral, hubKey, List.of(key));
    }

    private HandshakeState responder(byte[] key) {
        return new HandshakeState(IK_PSK2, false, PROLOGUE, hub, null, null, List.of(key));
    }

    private static byte[] flipBit(byte[] message, int bit) {
        byte[] flipped = message.clone();
        flipped[bit / 8] ^= (byte) (1 << bit % 8);
        return flipped;
    }
}
