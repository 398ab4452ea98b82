package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.ProtocolException;
import io.lwt.core.noise.Curve25519;
import io.lwt.core.noise.HandshakeState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sealing and opening on datagrams: any order, each message once, a rekey the receiver follows even when the message
 * that carried the new epoch was lost, and a nonce that is the Noise nonce a plain CipherState opens with.
 */
class DatagramKeysTest {

    private static final String PROTOCOL = "Noise_IKpsk2_25519_AESGCM_SHA256";
    private static final int HEADROOM = 16;

    private long now;
    private HandshakeState.Transport senderKeys;
    private HandshakeState.Transport receiverKeys;
    private DatagramKeys sender;
    private DatagramKeys receiver;

    @BeforeEach
    void handshake() throws Exception {
        Curve25519.KeyPair hub = Curve25519.generate();
        byte[] psk = new byte[32];
        HandshakeState client = new HandshakeState(PROTOCOL, true, new byte[0], Curve25519.generate(), null,
                hub.publicKey(), List.of(psk));
        HandshakeState server = new HandshakeState(PROTOCOL, false, new byte[0], hub, null, null, List.of(psk));
        server.readMessage(client.writeMessage(new byte[0]));
        client.readMessage(server.writeMessage(new byte[0]));
        senderKeys = client.split();
        receiverKeys = server.split();
        SessionKeys.Rekeying rekeying = new SessionKeys.Rekeying(Duration.ofSeconds(120), 1L << 30);
        sender = new DatagramKeys(senderKeys, rekeying, () -> now);
        receiver = new DatagramKeys(receiverKeys, rekeying, () -> now);
    }

    private static ByteBuffer message(int n) {
        ByteBuffer b = ByteBuffer.allocate(HEADROOM + 1 + 4 + SessionKeys.TAG);
        b.position(HEADROOM).put(Messages.DATA).putInt(n).flip().position(HEADROOM);
        return b;
    }

    private byte[] seal(int n) throws Exception {
        ByteBuffer b = message(n);
        sender.seal(b);
        byte[] wire = new byte[b.remaining()];
        b.get(wire);
        return wire;
    }

    /** Opens a datagram as the link does; returns the number it carried. */
    private int open(byte[] wire) throws ProtocolException {
        ByteBuffer b = ByteBuffer.wrap(wire.clone());
        receiver.open(b);
        assertEquals(Messages.DATA, b.get());
        return b.getInt();
    }

    @Test
    void messagesOpenInAnyOrderButEachOnce() throws Exception {
        List<byte[]> wire = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            wire.add(seal(i));
        }
        assertEquals(9, open(wire.get(9)));
        assertEquals(2, open(wire.get(2)));
        assertEquals(0, open(wire.get(0)));
        ProtocolException again = assertThrows(ProtocolException.class, () -> open(wire.get(2)));
        assertTrue(again.getMessage().contains("message 2 again"), again.getMessage());
        for (int i : new int[] {1, 3, 4, 5, 6, 7, 8}) {
            assertEquals(i, open(wire.get(i)));
        }
    }

    @Test
    void anAlteredMessageIsRefusedAndItsCounterStaysFree() throws Exception {
        byte[] wire = seal(1);
        byte[] altered = wire.clone();
        altered[DatagramKeys.NONCE + 2] ^= 1;
        assertThrows(ProtocolException.class, () -> open(altered));
        assertEquals(1, open(wire), "the forgery did not take the genuine message's counter");
    }

    @Test
    void theNonceBeforeEachMessageIsItsNoiseNonce() throws Exception {
        seal(0);
        byte[] wire = seal(7);
        long nonce = ByteBuffer.wrap(wire).getLong();
        assertEquals(1, nonce, "the second message, under the first key");
        io.lwt.core.noise.CipherState plainNoise = receiverKeys.receiving();
        plainNoise.setNonce(nonce);
        byte[] plain = plainNoise.decryptWithAd(new byte[0], java.util.Arrays.copyOfRange(wire, DatagramKeys.NONCE,
                wire.length));
        assertArrayEquals(new byte[] {Messages.DATA, 0, 0, 0, 7}, plain);
    }

    @Test
    void theReceiverFollowsARekeyEvenWhenTheFirstMessageUnderTheNewKeyIsLost() throws Exception {
        byte[] before = seal(1);
        now += Duration.ofSeconds(121).toNanos();
        byte[] lostFirstOfNewKey = seal(2);
        byte[] second = seal(3);
        assertEquals(1, ByteBuffer.wrap(second).get() & 0xFF, "epoch 1 in the nonce's top byte");
        assertEquals(3, open(second));
        assertEquals(1, receiver.rekeys());
        assertEquals(1, open(before), "a late message under the key before still opens");
        assertEquals(2, open(lostFirstOfNewKey), "and the one that was only late, not lost");
    }

    @Test
    void aKeyTwoRekeysOldIsGoneAndAForgedEpochRatchetsNothing() throws Exception {
        byte[] old = seal(1);
        for (int i = 0; i < 2; i++) {
            now += Duration.ofSeconds(121).toNanos();
            open(seal(10 + i));
        }
        ProtocolException gone = assertThrows(ProtocolException.class, () -> open(old));
        assertTrue(gone.getMessage().contains("not in use"), gone.getMessage());

        byte[] forged = seal(20);
        forged[0] = (byte) (forged[0] + 1); // claims the next epoch
        assertThrows(ProtocolException.class, () -> open(forged));
        assertEquals(2, receiver.rekeys(), "a message that did not open moved no key");
    }
}
