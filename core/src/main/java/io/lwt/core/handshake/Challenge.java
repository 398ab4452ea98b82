package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;

/** Hub to client, first: the version and a fresh nonce that the client's proof must cover. */
public record Challenge(byte[] serverNonce) implements HandshakeMessage {

    public static final byte TYPE = 0x10;

    public Challenge {
        if (serverNonce.length != Proofs.NONCE) {
            throw new IllegalArgumentException("a challenge's nonce is " + Proofs.NONCE + " bytes");
        }
        serverNonce = serverNonce.clone();
    }

    @Override
    public byte[] serverNonce() {
        return serverNonce.clone();
    }

    @Override
    public byte type() {
        return TYPE;
    }

    @Override
    public void write(ByteBuffer out) {
        out.put((byte) VERSION).put(serverNonce);
    }

    public static Challenge read(ByteBuffer in) throws ProtocolException {
        Wire.checkVersion(in);
        return new Challenge(Wire.bytes(in, Proofs.NONCE, "challenge"));
    }
}
