package io.lwt.core.handshake;

import io.lwt.core.noise.Curve25519;

/**
 * How a hub knows a client: its name and what its pre-shared key stands for in the handshake, the static public key
 * and the Noise PSK; or, for a client that only the transport authenticates (a TLS client certificate naming it),
 * neither: its initiation's static key is its own, and its PSK all zeros.
 */
public record Credential(String name, byte[] staticKey, byte[] psk) {

    private static final byte[] NO_PSK = new byte[32];

    /** The credential of a client with {@code preSharedKey}, or of a certificate-only client when it is null. */
    public static Credential of(String name, byte[] preSharedKey) {
        if (preSharedKey == null) {
            return new Credential(name, null, NO_PSK);
        }
        Curve25519.KeyPair keys = Protocol.clientStatic(preSharedKey);
        return new Credential(name, keys.publicKey(), Protocol.noisePsk(preSharedKey));
    }

    /** Whether only the transport authenticates this client. */
    public boolean certificateOnly() {
        return staticKey == null;
    }

    @Override
    public byte[] staticKey() {
        return staticKey == null ? null : staticKey.clone();
    }

    @Override
    public byte[] psk() {
        return psk.clone();
    }

    @Override
    public String toString() {
        return "Credential[" + name + "]"; // never the keys
    }
}
