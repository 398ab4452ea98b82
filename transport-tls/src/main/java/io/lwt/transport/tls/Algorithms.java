package io.lwt.transport.tls;

import io.lwt.cert.Credentials;
import io.lwt.cert.KeyType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Vector;
import java.util.stream.IntStream;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsCredentialedSigner;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsEd25519Signer;

/** The cipher suites and signature schemes this transport uses, and the signing credentials BouncyCastle needs. */
final class Algorithms {

    /** AES-GCM first: with AES-NI it is the fastest; ChaCha20-Poly1305 for peers without it. */
    private static final int[] TLS13 = {CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384,
        CipherSuite.TLS_CHACHA20_POLY1305_SHA256};
    /** TLS 1.2 only with forward secrecy and AEAD; ECDSA suites also carry Ed25519 certificates (RFC 8422). */
    private static final int[] TLS12_ECDSA = {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256};
    private static final int[] TLS12_RSA = {CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256};

    private static final Map<Integer, String> NAMES = Map.of(
            CipherSuite.TLS_AES_128_GCM_SHA256, "TLS_AES_128_GCM_SHA256",
            CipherSuite.TLS_AES_256_GCM_SHA384, "TLS_AES_256_GCM_SHA384",
            CipherSuite.TLS_CHACHA20_POLY1305_SHA256, "TLS_CHACHA20_POLY1305_SHA256",
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            CipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private Algorithms() {}

    /** Every suite a client offers, whatever the hub's key. */
    static int[] clientSuites() {
        return concat(TLS13, TLS12_ECDSA, TLS12_RSA);
    }

    /** The suites a hub can serve with its key: TLS 1.2 suites name the certificate's key type. */
    static int[] serverSuites(PrivateKey key) {
        return concat(TLS13, keyType(key) == KeyType.RSA ? TLS12_RSA : TLS12_ECDSA);
    }

    static String suiteName(int suite) {
        return NAMES.getOrDefault(suite, String.format("0x%04x", suite));
    }

    static KeyType keyType(PrivateKey key) {
        return switch (key) {
            case EdECKey ignored -> KeyType.ED25519;
            case ECKey ignored -> KeyType.EC;
            case RSAKey ignored -> KeyType.RSA;
            default -> throw new IllegalArgumentException(key.getAlgorithm() + " keys are not supported");
        };
    }

    /**
     * Credentials that sign the handshake with the first scheme of our key's kind that the peer accepts.
     *
     * @param accepted the peer's signature_algorithms, or {@code null} when it sent none (TLS 1.2 defaults)
     * @param requestContext TLS 1.3 certificate_request_context (empty for a server)
     */
    static TlsCredentialedSigner signer(TlsContext context, JdkTlsCrypto crypto, Credentials credentials,
            Vector<?> accepted, byte[] requestContext) throws IOException {
        SignatureAndHashAlgorithm scheme = candidates(credentials.key(), TlsUtils.isTLSv13(context)).stream()
                .filter(s -> accepted == null || accepted.contains(s)).findFirst()
                .orElseThrow(() -> new Refusal(AlertDescription.handshake_failure, "the peer accepts no signature"
                        + " scheme for our " + keyType(credentials.key()) + " key"));
        CertificateEntry[] entries = new CertificateEntry[credentials.chain().size()];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = new CertificateEntry(crypto.createCertificate(encoded(credentials.chain().get(i))), null);
        }
        Certificate certificate = new Certificate(TlsUtils.isTLSv13(context) ? requestContext : null, entries);
        TlsCryptoParameters parameters = new TlsCryptoParameters(context);
        // BouncyCastle recognizes an Ed25519 key by the algorithm name "Ed25519"; the JDK's keys say "EdDSA"
        return keyType(credentials.key()) == KeyType.ED25519
                ? new DefaultTlsCredentialedSigner(parameters, new JcaTlsEd25519Signer(crypto, credentials.key()),
                        certificate, scheme)
                : new JcaDefaultTlsCredentialedSigner(parameters, crypto, credentials.key(), certificate, scheme);
    }

    /** A peer's certificate message as X.509 certificates, leaf first. */
    static List<X509Certificate> chain(Certificate certificate) throws IOException {
        List<X509Certificate> chain = new ArrayList<>(certificate.getLength());
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < certificate.getLength(); i++) {
                chain.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(certificate.getCertificateAt(i).getEncoded())));
            }
        } catch (CertificateException e) {
            throw new Refusal(AlertDescription.bad_certificate, "the peer's certificate cannot be read: " + e.getMessage());
        }
        return chain;
    }

    private static List<SignatureAndHashAlgorithm> candidates(PrivateKey key, boolean tls13) {
        return switch (keyType(key)) {
            case ED25519 -> List.of(SignatureAndHashAlgorithm.ed25519);
            case EC -> List.of(SignatureAndHashAlgorithm.getInstance(switch (((ECKey) key).getParams().getOrder()
                    .bitLength()) {
                case 384 -> HashAlgorithm.sha384;
                case 521 -> HashAlgorithm.sha512;
                default -> HashAlgorithm.sha256;
            }, SignatureAlgorithm.ecdsa));
            case RSA -> tls13
                    ? List.of(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256, SignatureAndHashAlgorithm.rsa_pss_rsae_sha384,
                            SignatureAndHashAlgorithm.rsa_pss_rsae_sha512)
                    : List.of(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256, SignatureAndHashAlgorithm.rsa_pss_rsae_sha384,
                            SignatureAndHashAlgorithm.rsa_pss_rsae_sha512,
                            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
                            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.rsa));
        };
    }

    private static byte[] encoded(X509Certificate certificate) throws IOException {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
    }
}
