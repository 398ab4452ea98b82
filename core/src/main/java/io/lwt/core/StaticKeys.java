package io.lwt.core;

import io.lwt.core.noise.Curve25519;
import java.util.Base64;

/**
 * A hub's static key: its Curve25519 private key, kept beside the topology, and the public key that clients pin. Both
 * are written as 44 characters of base64, as WireGuard writes its keys.
 */
public final class StaticKeys {

    private StaticKeys() {}

    /** A new private key. */
    public static byte[] generate() {
        return Curve25519.generate().privateKey();
    }

    /** The public key of a private key. */
    public static byte[] publicKey(byte[] privateKey) {
        return Curve25519.fromPrivate(checked(privateKey)).publicKey();
    }

    public static String text(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    /** A key from its text; an {@link IllegalArgumentException} says why it is none. */
    public static byte[] parse(String text) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64: " + e.getMessage());
        }
        return checked(key);
    }

    /** A copy of a key checked for length, for the records that hold one. */
    static byte[] copyOf(byte[] key) {
        return checked(key).clone();
    }

    private static byte[] checked(byte[] key) {
        if (key.length != Curve25519.DHLEN) {
            throw new IllegalArgumentException("a key is " + Curve25519.DHLEN + " bytes (44 characters of base64), not "
                    + key.length);
        }
        return key;
    }
}
