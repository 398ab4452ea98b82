package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.core.noise.Curve25519;
import io.lwt.core.noise.HandshakeState;
import io.lwt.testsupport.Fuzz;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The message opener against random and mutated sealed messages (see {@link Fuzz}): each input is opened by a fresh
 * receiver at the nonce it was sealed with, as a session's reader opens its next message. Only a ProtocolException
 * escapes, and only the unchanged seeds open, to exactly what was sealed.
 */
class StreamKeysFuzzTest {

    private static final String PROTOCOL = "Noise_IKpsk2_25519_AESGCM_SHA256";
    private static final Fuzz.Limits LIMITS = new Fuzz.Limits(4_000, 16 * 1024, Duration.ofSeconds(10));

    private final List<byte[]> plaintexts = new ArrayList<>();
    private final List<byte[]> sealed = new ArrayList<>();
    private HandshakeState.Transport receiverKeys;

    @Test
    void onlyUnchangedMessagesOpen() throws Exception {
        Curve25519.KeyPair hub = Curve25519.generate();
        byte[] psk = new byte[32];
        HandshakeState client = new HandshakeState(PROTOCOL, true, new byte[0], Curve25519.generate(), null,
                hub.publicKey(), List.of(psk));
        HandshakeState server = new HandshakeState(PROTOCOL, false, new byte[0], hub, null, null, List.of(psk));
        server.readMessage(client.writeMessage(new byte[0]));
        client.readMessage(server.writeMessage(new byte[0]));
        HandshakeState.Transport senderKeys = client.split();
        receiverKeys = server.split();
        StreamKeys sender = new StreamKeys(senderKeys, SessionKeys.Rekeying.DEFAULT, System::nanoTime);
        Random random = new Random(5);
        for (int i = 0; i < 16; i++) {
            byte[] message = new byte[1 + random.nextInt(1500)];
            random.nextBytes(message);
            message[0] = Messages.DATA;
            ByteBuffer b = ByteBuffer.allocate(message.length + SessionKeys.TAG).put(message).flip();
            sender.seal(b);
            plaintexts.add(message);
            sealed.add(Arrays.copyOf(b.array(), b.limit()));
        }
        Fuzz.Result result = Fuzz.run("sealed messages", Fuzz.oneOf(Fuzz.bytes(1600), Fuzz.mutations(sealed)), this::open,
                LIMITS);
        assertTrue(result.rejected() > 0, result.toString());
        for (int i = 0; i < sealed.size(); i++) {
            assertEquals("accepted", Fuzz.outcome(this::open, sealed.get(i)), "seed " + i);
        }
    }

    /** Opens {@code input} as the message it would be if it were one of the seeds, at that seed's nonce. */
    private void open(byte[] input) throws Exception {
        int seed = Math.floorMod(Arrays.hashCode(input), sealed.size());
        for (int i = 0; i < sealed.size(); i++) {
            if (Arrays.equals(sealed.get(i), input)) {
                seed = i;
            }
        }
        receiverKeys.receiving().setNonce(seed);
        StreamKeys receiver = new StreamKeys(new HandshakeState.Transport(receiverKeys.sending(),
                receiverKeys.receiving()), SessionKeys.Rekeying.DEFAULT, System::nanoTime);
        ByteBuffer b = ByteBuffer.allocateDirect(input.length).put(input).flip();
        receiver.open(b);
        byte[] opened = new byte[b.remaining()];
        b.get(opened);
        assertArrayEquals(plaintexts.get(seed), opened, "only a seed opens, to what was sealed");
    }
}
