package io.lwt.core.noise;

import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * The Noise cipher functions (spec section 12.3 and 12.4) on the JDK's AEADs: 256-bit keys, 16-byte tags, and a
 * 96-bit nonce of 32 zero bits and the 64-bit counter, big-endian for AES-GCM, little-endian for ChaCha20-Poly1305.
 */
public enum CipherFunction {

    AESGCM("AES/GCM/NoPadding", "AES") {
        @Override
        void nonce(long n, byte[] iv) {
            for (int i = 0; i < 8; i++) {
                iv[4 + i] = (byte) (n >>> (56 - 8 * i));
            }
        }

        @Override
        AlgorithmParameterSpec parameters(byte[] iv) {
            return new GCMParameterSpec(TAGLEN * 8, iv);
        }
    },
    CHACHAPOLY("ChaCha20-Poly1305", "ChaCha20") {
        @Override
        void nonce(long n, byte[] iv) {
            for (int i = 0; i < 8; i++) {
                iv[4 + i] = (byte) (n >>> (8 * i));
            }
        }

        @Override
        AlgorithmParameterSpec parameters(byte[] iv) {
            return new IvParameterSpec(iv);
        }
    };

    public static final int KEYLEN = 32;
    public static final int TAGLEN = 16;
    static final int NONCELEN = 12;

    final String transformation;
    final String keyAlgorithm;

    CipherFunction(String transformation, String keyAlgorithm) {
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
    }

    /** Writes the counter into the last 8 bytes of {@code iv}; its first 4 stay zero. */
    abstract void nonce(long n, byte[] iv);

    abstract AlgorithmParameterSpec parameters(byte[] iv);

    /** The function a protocol name calls {@code AESGCM} or {@code ChaChaPoly}. */
    static CipherFunction named(String name) {
        return switch (name) {
            case "AESGCM" -> AESGCM;
            case "ChaChaPoly" -> CHACHAPOLY;
            default -> throw new IllegalArgumentException("unsupported Noise cipher " + name);
        };
    }
}
