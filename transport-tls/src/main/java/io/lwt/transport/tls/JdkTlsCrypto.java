package io.lwt.transport.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Locale;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import org.bouncycastle.jcajce.util.DefaultJcaJceHelper;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.crypto.Tls13Verifier;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsStreamSigner;
import org.bouncycastle.tls.crypto.TlsStreamVerifier;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipher;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * BouncyCastle's TLS crypto backed by the JDK's providers, whose AES-GCM and ChaCha20-Poly1305 use CPU intrinsics
 * (BouncyCastle's own ciphers are pure Java). BouncyCastle asks the JCA for two things by names only its own provider
 * knows: ChaCha20-Poly1305 as "ChaCha7539" and "Poly1305", which this class replaces by the JDK's AEAD, and RSA-PSS
 * signatures as "SHA256WITHRSAANDMGF1", which it renames "RSASSA-PSS" (the digest is in the parameters). AES-GCM
 * records also go through {@link JdkAeadCipher}, which skips a provider lookup per record.
 */
final class JdkTlsCrypto extends JcaTlsCrypto {

    private static final String CHACHA20_POLY1305 = "ChaCha20-Poly1305";
    private static final String AES_GCM = "AES/GCM/NoPadding";
    private static final boolean HAS_CHACHA20_POLY1305 = hasCipher(CHACHA20_POLY1305);

    JdkTlsCrypto(SecureRandom random) {
        super(new DefaultJcaJceHelper(), random, new SecureRandom());
    }

    @Override
    public boolean hasEncryptionAlgorithm(int encryptionAlgorithm) {
        if (encryptionAlgorithm == EncryptionAlgorithm.CHACHA20_POLY1305) {
            return HAS_CHACHA20_POLY1305;
        }
        return super.hasEncryptionAlgorithm(encryptionAlgorithm);
    }

    @Override
    public TlsCipher createCipher(TlsCryptoParameters parameters, int encryptionAlgorithm, int macAlgorithm)
            throws IOException {
        if (encryptionAlgorithm != EncryptionAlgorithm.CHACHA20_POLY1305) {
            return super.createCipher(parameters, encryptionAlgorithm, macAlgorithm);
        }
        try {
            return new TlsAEADCipher(parameters,
                    new JdkAeadCipher(CHACHA20_POLY1305, "ChaCha20", JdkAeadCipher.Nonce.IV, true),
                    new JdkAeadCipher(CHACHA20_POLY1305, "ChaCha20", JdkAeadCipher.Nonce.IV, false), 32, 16,
                    TlsAEADCipher.AEAD_CHACHA20_POLY1305, null);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create " + CHACHA20_POLY1305 + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected TlsAEADCipherImpl createAEADCipher(String cipherName, String algorithm, int keySize,
            boolean isEncrypting) throws GeneralSecurityException {
        return cipherName.equals(AES_GCM) ? new JdkAeadCipher(AES_GCM, algorithm, JdkAeadCipher.Nonce.GCM, isEncrypting)
                : super.createAEADCipher(cipherName, algorithm, keySize, isEncrypting);
    }

    @Override
    protected TlsStreamSigner createStreamSigner(String algorithmName, AlgorithmParameterSpec parameter,
            PrivateKey privateKey, boolean needsRandom) throws IOException {
        return super.createStreamSigner(jdkName(algorithmName), parameter, privateKey, needsRandom);
    }

    @Override
    protected TlsStreamVerifier createStreamVerifier(String algorithmName, AlgorithmParameterSpec parameter,
            byte[] signature, PublicKey publicKey) throws IOException {
        return super.createStreamVerifier(jdkName(algorithmName), parameter, signature, publicKey);
    }

    @Override
    protected Tls13Verifier createTls13Verifier(String algorithmName, AlgorithmParameterSpec parameter,
            PublicKey publicKey) throws IOException {
        return super.createTls13Verifier(jdkName(algorithmName), parameter, publicKey);
    }

    private static String jdkName(String algorithmName) {
        return algorithmName.toUpperCase(Locale.ROOT).endsWith("WITHRSAANDMGF1") ? "RSASSA-PSS" : algorithmName;
    }

    private static boolean hasCipher(String transformation) {
        try {
            Cipher.getInstance(transformation);
            return true;
        } catch (NoSuchAlgorithmException | NoSuchPaddingException e) {
            return false;
        }
    }
}
