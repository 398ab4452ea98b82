package io.lwt.core.noise;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Noise SymmetricState (spec section 5.2) with SHA-256: the chaining key, the handshake hash and the CipherState
 * of the handshake. HKDF is spec section 4.3's, on the JDK's HMAC-SHA256.
 */
final class SymmetricState {

    static final int HASHLEN = 32;

    private final CipherFunction function;
    private final CipherState cipher;
    private byte[] ck;
    private byte[] h;

    /** InitializeSymmetric(protocolName). */
    SymmetricState(String protocolName, CipherFunction function) {
        this.function = function;
        this.cipher = new CipherState(function);
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        h = name.length <= HASHLEN ? Arrays.copyOf(name, HASHLEN) : sha256(name);
        ck = h.clone();
        cipher.initializeKey(null);
    }

    void mixKey(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(ck, inputKeyMaterial, 2);
        ck = out[0];
        cipher.initializeKey(Arrays.copyOf(out[1], CipherFunction.KEYLEN));
    }

    void mixHash(byte[] data) {
        h = sha256(h, data);
    }

    void mixKeyAndHash(byte[] inputKeyMaterial) {
        byte[][] out = hkdf(ck, inputKeyMaterial, 3);
        ck = out[0];
        mixHash(out[1]);
        cipher.initializeKey(Arrays.copyOf(out[2], CipherFunction.KEYLEN));
    }

    byte[] handshakeHash() {
        return h.clone();
    }

    byte[] encryptAndHash(byte[] plaintext) throws NoiseException {
        byte[] ciphertext = cipher.encryptWithAd(h, plaintext);
        mixHash(ciphertext);
        return ciphertext;
    }

    byte[] decryptAndHash(byte[] ciphertext) throws NoiseException {
        byte[] plaintext = cipher.decryptWithAd(h, ciphertext);
        mixHash(ciphertext);
        return plaintext;
    }

    boolean hasKey() {
        return cipher.hasKey();
    }

    /** Split(): the initiator's sending and the responder's sending CipherStates. */
    CipherState[] split() {
        byte[][] out = hkdf(ck, new byte[0], 2);
        CipherState first = new CipherState(function);
        first.initializeKey(Arrays.copyOf(out[0], CipherFunction.KEYLEN));
        CipherState second = new CipherState(function);
        second.initializeKey(Arrays.copyOf(out[1], CipherFunction.KEYLEN));
        Arrays.fill(ck, (byte) 0);
        return new CipherState[] {first, second};
    }

    /** HKDF(chainingKey, inputKeyMaterial, numOutputs) of spec section 4.3, for 2 or 3 outputs. */
    static byte[][] hkdf(byte[] chainingKey, byte[] inputKeyMaterial, int outputs) {
        byte[] tempKey = hmac(chainingKey, inputKeyMaterial);
        byte[][] out = new byte[outputs][];
        byte[] previous = new byte[0];
        for (int i = 0; i < outputs; i++) {
            previous = hmac(tempKey, previous, new byte[] {(byte) (i + 1)});
            out[i] = previous;
        }
        return out;
    }

    static byte[] hmac(byte[] key, byte[]... data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] d : data) {
                mac.update(d);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    static byte[] sha256(byte[]... data) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] d : data) {
                digest.update(d);
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
