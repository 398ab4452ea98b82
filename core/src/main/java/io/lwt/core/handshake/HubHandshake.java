package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import io.lwt.core.noise.Curve25519;
import io.lwt.core.noise.HandshakeState;
import io.lwt.core.noise.NoiseException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;

/**
 * The hub's side of one session's handshake, the Noise responder: it checks an INITIATION's mac1 before any
 * Curve25519 work, reads it to learn which client's static key sent it, takes that client's PSK, and writes the
 * RESPONSE carrying its answer. Nothing it refuses is answered: a scanner or a client with the wrong key meets a
 * silent port. Used by the session's reader thread only.
 */
public final class HubHandshake {

    /** Which client a static public key stands for. */
    @FunctionalInterface
    public interface Directory {
        /** The client whose static key this is; else, with {@code certified} present, the certificate-only client of
         * that name; else null. */
        Credential find(byte[] staticKey, java.util.Optional<String> certified);
    }

    /**
     * An initiation that the hub read: who sent it, when (its timestamp) and what it offers.
     *
     * @param linkFrom the hub a link between hubs comes from, as its initiation names it; null for a client
     */
    public record Initiator(Credential client, byte[] timestamp, boolean takesSuperSegments, String linkFrom) {}

    private static final int TAKES_SUPER_SEGMENTS = 1;

    private final HandshakeState noise;
    private final byte[] publicKey;

    /** @param channelBinding what the transport gives to bind the handshake to it (a TLS exporter), or empty */
    public HubHandshake(Curve25519.KeyPair hub, byte[] channelBinding) {
        this.noise = new HandshakeState(Protocol.NAME, false, Protocol.prologue(channelBinding), hub, null, null,
                List.of());
        this.publicKey = hub.publicKey();
    }

    /**
     * Reads an INITIATION. A protocol error names why it is refused, for the hub's log: its mac1 is not for this hub's
     * key, it does not decrypt, or its static key is no client's.
     */
    public Initiator read(Initiation initiation, Directory clients, java.util.Optional<String> certified)
            throws ProtocolException {
        if (!MessageDigest.isEqual(Protocol.mac1(publicKey, initiation.covered()), initiation.mac1())) {
            throw new ProtocolException("initiation: not for this hub's public key (mac1)");
        }
        byte[] payload;
        try {
            payload = noise.readMessage(initiation.noise());
        } catch (NoiseException e) {
            throw new ProtocolException("initiation: " + e.getMessage());
        }
        Credential client = clients.find(noise.remoteStatic(), certified);
        if (client == null) {
            throw new ProtocolException("initiation: from a static key that is no client's (unknown client or wrong key)");
        }
        noise.addPsk(client.psk());
        ByteBuffer in = ByteBuffer.wrap(payload);
        byte[] timestamp = Wire.bytes(in, Protocol.TIMESTAMP, "initiation");
        boolean superSegments = false;
        String linkFrom = null;
        while (in.hasRemaining()) {
            int type = Wire.unsigned(in, "initiation");
            int length = Wire.unsigned(in, "initiation");
            if (in.remaining() < length) {
                throw new ProtocolException("initiation: truncated");
            }
            superSegments |= type == TAKES_SUPER_SEGMENTS;
            if (type == ClientHandshake.LINK_FROM) {
                linkFrom = new String(payload, in.position(), length, java.nio.charset.StandardCharsets.UTF_8);
            }
            in.position(in.position() + length); // a later client's extension, or the flag's empty value
        }
        return new Initiator(client, timestamp, superSegments, linkFrom);
    }

    /** The RESPONSE carrying the answer to the initiation read. */
    public Response answer(Answer answer) {
        ByteBuffer payload = ByteBuffer.allocate(Response.MAX_NOISE);
        answer.write(payload);
        try {
            return new Response(noise.writeMessage(java.util.Arrays.copyOf(payload.array(), payload.position())));
        } catch (NoiseException e) {
            throw new IllegalStateException("the initiation's keys were checked when it was read", e);
        }
    }

    /** The session's keys, once the RESPONSE is written. */
    public HandshakeState.Transport keys() {
        return noise.split();
    }
}
