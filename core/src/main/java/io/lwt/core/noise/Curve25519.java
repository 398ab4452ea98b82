package io.lwt.core.noise;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * The Noise DH functions for Curve25519 (spec section 12.1) on the JDK's X25519: keys as the 32 raw bytes of RFC 7748
 * (little-endian), converted to and from the JDK's key specs. Thread-safe.
 */
public final class Curve25519 {

    /** The length of a public key and of a DH result. */
    public static final int DHLEN = 32;
    private static final byte[] BASE_POINT = new byte[DHLEN];

    static {
        BASE_POINT[0] = 9;
    }

    private Curve25519() {}

    /** A key pair as raw bytes. */
    public record KeyPair(byte[] privateKey, byte[] publicKey) {
        public KeyPair {
            if (privateKey.length != DHLEN || publicKey.length != DHLEN) {
                throw new IllegalArgumentException("a Curve25519 key is " + DHLEN + " bytes");
            }
            privateKey = privateKey.clone();
            publicKey = publicKey.clone();
        }

        @Override
        public byte[] privateKey() {
            return privateKey.clone();
        }

        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }

        @Override
        public String toString() {
            return "KeyPair[public " + java.util.HexFormat.of().formatHex(publicKey) + "]"; // never the private key
        }
    }

    /** GENERATE_KEYPAIR(). */
    public static KeyPair generate() {
        try {
            java.security.KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            byte[] scalar = ((XECPrivateKey) pair.getPrivate()).getScalar().orElseThrow();
            return new KeyPair(scalar, encode(((XECPublicKey) pair.getPublic()).getU()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is missing from this JDK", e);
        }
    }

    /** The key pair of a private key: its public key is DH(private, the base point). */
    public static KeyPair fromPrivate(byte[] privateKey) {
        try {
            return new KeyPair(privateKey, dh(privateKey, BASE_POINT));
        } catch (NoiseException e) {
            throw new IllegalArgumentException("not a usable Curve25519 private key", e);
        }
    }

    /**
     * DH(private, public): the shared secret. A public key of small order gives all zeros, which would make the
     * secret known to anyone; it is refused, as WireGuard refuses it.
     */
    public static byte[] dh(byte[] privateKey, byte[] publicKey) throws NoiseException {
        if (publicKey.length != DHLEN) {
            throw new NoiseException("a Curve25519 public key is " + DHLEN + " bytes, not " + publicKey.length);
        }
        byte[] secret;
        try {
            KeyFactory keys = KeyFactory.getInstance("XDH");
            PrivateKey own = keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
            PublicKey other = keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decode(publicKey)));
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(own);
            agreement.doPhase(other, true);
            secret = agreement.generateSecret();
        } catch (IllegalStateException e) {
            throw new NoiseException("a public key of small order", e); // the JDK refuses an all-zero result so
        } catch (GeneralSecurityException e) {
            throw new NoiseException("X25519 failed: " + e.getMessage(), e);
        }
        if (Arrays.equals(secret, new byte[DHLEN])) {
            throw new NoiseException("a public key of small order");
        }
        return secret;
    }

    /** RFC 7748 section 5: little-endian, the top bit of the last byte masked. */
    private static BigInteger decode(byte[] u) {
        byte[] bigEndian = new byte[DHLEN];
        for (int i = 0; i < DHLEN; i++) {
            bigEndian[i] = u[DHLEN - 1 - i];
        }
        bigEndian[0] &= 0x7f;
        return new BigInteger(1, bigEndian);
    }

    private static byte[] encode(BigInteger u) {
        byte[] bigEndian = u.toByteArray();
        byte[] out = new byte[DHLEN];
        for (int i = 0; i < Math.min(DHLEN, bigEndian.length); i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }
}
