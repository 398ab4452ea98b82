package io.lwt.core.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key proofs: HMAC-SHA256 under the client's pre-shared key over a label, both nonces and (the client's) the name,
 * so the key never crosses the wire, a recorded HELLO is useless against a new challenge, and the client knows the hub
 * holds its key too. A client without a key (one the transport authenticates with a certificate) sends zeros, and the
 * hub answers with zeros.
 */
public final class Proofs {

    /** The bytes of a nonce and of a proof. */
    public static final int NONCE = 32;
    public static final int PROOF = 32;
    /** The shortest pre-shared key. */
    public static final int MIN_KEY = 16;
    private static final byte[] CLIENT_LABEL = "lwt1 client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HUB_LABEL = "lwt1 hub".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Proofs() {}

    /** A pre-shared key checked for length and copied; null (no key) stays null. */
    public static byte[] checkedKey(byte[] key, String owner) {
        if (key == null) {
            return null;
        }
        if (key.length < MIN_KEY) {
            throw new IllegalArgumentException("key of " + owner + " is " + key.length + " bytes; at least " + MIN_KEY
                    + " are needed");
        }
        return key.clone();
    }

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** The client's proof; zeros without a key. */
    static byte[] client(byte[] key, byte[] serverNonce, byte[] clientNonce, String name) {
        return key == null ? new byte[PROOF]
                : hmac(key, CLIENT_LABEL, serverNonce, clientNonce, name.getBytes(StandardCharsets.UTF_8));
    }

    /** The hub's proof; zeros without a key. */
    static byte[] hub(byte[] key, byte[] serverNonce, byte[] clientNonce) {
        return key == null ? new byte[PROOF] : hmac(key, HUB_LABEL, serverNonce, clientNonce);
    }

    /** Compares proofs in constant time. */
    static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
