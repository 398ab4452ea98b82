package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import io.lwt.core.noise.Curve25519;
import io.lwt.core.noise.HandshakeState;
import io.lwt.core.noise.NoiseException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The client's side of one session's handshake, the Noise initiator: the INITIATION, then the hub's RESPONSE, whose
 * answer only the hub that holds its private key and this client's pre-shared key can have written. Used by the
 * session's reader thread only.
 */
public final class ClientHandshake {

    private static final int TAKES_SUPER_SEGMENTS = 1;
    /** Extension type 2: the name of the hub a link comes from, in UTF-8 (links between the hubs of a cluster). */
    static final int LINK_FROM = 2;
    /** The longest hub name a link's initiation carries. */
    public static final int MAX_HUB_NAME = 48;

    private final HandshakeState noise;
    private final byte[] hubKey;

    /**
     * @param preSharedKey the client's key, or null for a client that only the transport authenticates (it then sends
     *     a static key of its own and no PSK; the channel binding ties the handshake to that transport)
     * @param hubKey the hub's static public key, which the client pins
     * @param channelBinding what the transport gives to bind the handshake to it (a TLS exporter), or empty
     */
    public ClientHandshake(byte[] preSharedKey, byte[] hubKey, byte[] channelBinding) {
        Curve25519.KeyPair own = preSharedKey == null ? Curve25519.generate() : Protocol.clientStatic(preSharedKey);
        byte[] psk = preSharedKey == null ? new byte[32] : Protocol.noisePsk(preSharedKey);
        this.noise = new HandshakeState(Protocol.NAME, true, Protocol.prologue(channelBinding), own, null, hubKey,
                List.of(psk));
        this.hubKey = hubKey.clone();
    }

    /** The first message, with a fresh timestamp. */
    public Initiation initiation(boolean takesSuperSegments) {
        return initiation(takesSuperSegments, null);
    }

    /**
     * The first message of a link between hubs, which names the hub it comes from.
     *
     * @param hub the initiating hub's name, at most {@link #MAX_HUB_NAME} bytes of UTF-8; null for a client
     */
    public Initiation initiation(boolean takesSuperSegments, String hub) {
        byte[] name = hub == null ? new byte[0] : hub.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (name.length > MAX_HUB_NAME) {
            throw new IllegalArgumentException("hub name " + hub + " is longer than " + MAX_HUB_NAME + " bytes");
        }
        ByteBuffer payload = ByteBuffer.allocate(Protocol.TIMESTAMP + 4 + name.length).put(Protocol.timestamp());
        if (takesSuperSegments) {
            payload.put((byte) TAKES_SUPER_SEGMENTS).put((byte) 0);
        }
        if (hub != null) {
            payload.put((byte) LINK_FROM).put((byte) name.length).put(name);
        }
        try {
            byte[] message = noise.writeMessage(java.util.Arrays.copyOf(payload.array(), payload.position()));
            Initiation unsigned = new Initiation(message, new byte[Protocol.MAC]);
            return new Initiation(message, Protocol.mac1(hubKey, unsigned.covered()));
        } catch (NoiseException e) {
            throw new IllegalStateException("the hub's public key is not a usable Curve25519 key", e);
        }
    }

    /**
     * The hub's answer, once the RESPONSE is shown to come from the hub: one that fails to is a protocol error, as
     * garbage would be, never an answer.
     */
    public Answer read(Response response) throws ProtocolException {
        byte[] payload;
        try {
            payload = noise.readMessage(response.noise());
        } catch (NoiseException e) {
            throw new ProtocolException("response: not from the hub this client pins, or not for this client ("
                    + e.getMessage() + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(payload);
        Answer answer = Answer.read(in);
        if (in.hasRemaining()) {
            throw new ProtocolException("response: " + in.remaining() + " bytes after the answer");
        }
        return answer;
    }

    /** The session's keys, once the RESPONSE is read. */
    public HandshakeState.Transport keys() {
        return noise.split();
    }

    /** The handshake hash, for tests of channel binding. */
    byte[] handshakeHash() {
        return noise.handshakeHash();
    }
}
