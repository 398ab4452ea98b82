package io.lwt.core.handshake;

import io.lwt.core.noise.Curve25519;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The handshake's choices, each a standard construction: the Noise protocol {@value #NAME} (WireGuard's pattern), its
 * prologue (a label and the transport's channel binding, so that a handshake relayed across two TLS sessions fails),
 * the client's static key and Noise PSK derived from its pre-shared key with HMAC-SHA256 (one secret per client, as
 * before: the static key lets the hub tell who sends an initiation without the name crossing the wire, and makes the
 * initiation unforgeable without the key), WireGuard's mac1 idea with HMAC-SHA256 under the hub's public key, and
 * TAI64N timestamps against replayed initiations. docs/security.md says why this pattern.
 */
public final class Protocol {

    public static final String NAME = "Noise_IKpsk2_25519_AESGCM_SHA256";
    /** What status reports name the cipher of a sealed session. */
    public static final String CIPHER = "AES-256-GCM";
    static final int MAC = 16;
    static final int TIMESTAMP = 12;
    private static final byte[] PROLOGUE = label("lwt handshake 2");
    private static final byte[] STATIC_LABEL = label("lwt client static key");
    private static final byte[] PSK_LABEL = label("lwt client psk");
    private static final byte[] MAC1_LABEL = label("lwt mac1");
    private static final byte[] LINK_LABEL = label("lwt hub link key");
    private static final long TAI64_EPOCH = 1L << 62;
    private static final AtomicReference<Instant> LAST_TIMESTAMP = new AtomicReference<>(Instant.EPOCH);

    private Protocol() {}

    /** The shortest pre-shared key. */
    public static final int MIN_KEY = 16;

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

    /** The static key pair that a client's pre-shared key stands for; the hub derives it from the same key. */
    public static Curve25519.KeyPair clientStatic(byte[] preSharedKey) {
        return Curve25519.fromPrivate(hmac(preSharedKey, STATIC_LABEL));
    }

    /**
     * The pre-shared key of the links between the hubs of a cluster, which share their static key: whoever holds that
     * key derives it, and a hub's link to another is a client's session under it, its static key and PSK derived as a
     * client's are.
     */
    public static byte[] linkKey(byte[] hubPrivateKey) {
        return hmac(hubPrivateKey, LINK_LABEL);
    }

    /** The 32-byte Noise PSK of a client's pre-shared key (which may be longer or, down to 16 bytes, shorter). */
    static byte[] noisePsk(byte[] preSharedKey) {
        return hmac(preSharedKey, PSK_LABEL);
    }

    static byte[] prologue(byte[] channelBinding) {
        byte[] prologue = Arrays.copyOf(PROLOGUE, PROLOGUE.length + channelBinding.length);
        System.arraycopy(channelBinding, 0, prologue, PROLOGUE.length, channelBinding.length);
        return prologue;
    }

    /** The first 16 bytes of HMAC-SHA256 under SHA-256(label, hub's public key) over the initiation. */
    static byte[] mac1(byte[] hubPublicKey, byte[] covered) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(MAC1_LABEL);
            byte[] key = sha.digest(hubPublicKey);
            return Arrays.copyOf(hmac(key, covered), MAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * A TAI64N timestamp (8 bytes of seconds since 1970 plus 2^62, 4 of nanoseconds, big-endian), later than any this
     * process made before, so that two initiations of one client never share one.
     */
    static byte[] timestamp() {
        Instant now = LAST_TIMESTAMP.updateAndGet(last -> {
            Instant t = Instant.now();
            return t.isAfter(last) ? t : last.plusNanos(1);
        });
        return ByteBuffer.allocate(TIMESTAMP).putLong(TAI64_EPOCH + now.getEpochSecond()).putInt(now.getNano()).array();
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private static byte[] label(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
