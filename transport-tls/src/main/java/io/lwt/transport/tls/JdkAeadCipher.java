package io.lwt.transport.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;

/**
 * One direction of a JDK AEAD cipher for BouncyCastle's TLS records, initialized per record with a plain parameter
 * spec (BouncyCastle's own adapter looks up and encodes AlgorithmParameters for every record).
 */
final class JdkAeadCipher implements TlsAEADCipherImpl {

    /** How the cipher takes its per-record nonce. */
    enum Nonce {
        /** AES-GCM: the nonce and the tag length. */
        GCM,
        /** ChaCha20-Poly1305: the nonce as an IV; the tag is always 16 bytes. */
        IV
    }

    private final Cipher cipher;
    private final String keyAlgorithm;
    private final Nonce nonce;
    private final int mode;
    private SecretKey key;

    JdkAeadCipher(String transformation, String keyAlgorithm, Nonce nonce, boolean encrypting)
            throws GeneralSecurityException {
        this.cipher = Cipher.getInstance(transformation);
        this.keyAlgorithm = keyAlgorithm;
        this.nonce = nonce;
        this.mode = encrypting ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    }

    @Override
    public void setKey(byte[] key, int keyOff, int keyLen) {
        this.key = new SecretKeySpec(key, keyOff, keyLen, keyAlgorithm);
    }

    @Override
    public void init(byte[] recordNonce, int macSize) throws IOException {
        try {
            cipher.init(mode, key, nonce == Nonce.GCM ? new GCMParameterSpec(macSize * 8, recordNonce)
                    : new IvParameterSpec(recordNonce));
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }

    @Override
    public int getOutputSize(int inputLength) {
        return cipher.getOutputSize(inputLength);
    }

    @Override
    public int doFinal(byte[] additionalData, byte[] input, int inputOffset, int inputLength, byte[] output,
            int outputOffset) throws IOException {
        try {
            if (additionalData != null && additionalData.length > 0) {
                cipher.updateAAD(additionalData);
            }
            return cipher.doFinal(input, inputOffset, inputLength, output, outputOffset);
        } catch (AEADBadTagException e) {
            throw new TlsFatalAlert(AlertDescription.bad_record_mac, e);
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
    }
}
