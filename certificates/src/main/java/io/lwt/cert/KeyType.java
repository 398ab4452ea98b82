package io.lwt.cert;

/** The key pairs {@link Certificates#generateKeyPair} makes. */
public enum KeyType {
    /** Ed25519: small, fast, the default for automatic certificates. */
    ED25519,
    /** ECDSA on the P-256 curve (secp256r1). */
    EC,
    /** RSA with a 3072-bit modulus. */
    RSA
}
