package io.lwt.cluster.etcd;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@code tls} section of an etcd store, made into the {@link SSLContext} of its HTTPS endpoints: {@code ca}, the
 * PEM certificates that etcd's certificate must chain to (default: the JDK's trusted authorities), and
 * {@code certificate} with {@code private-key}, PEM, when etcd asks its clients for a certificate. Relative files are
 * resolved against the configuration's own file. Called while the provider validates a configuration.
 */
final class TlsSettings {

    static final String CA = "ca";
    static final String CERTIFICATE = "certificate";
    static final String PRIVATE_KEY = "private-key";
    private static final Set<String> KEYS = Set.of(CA, CERTIFICATE, PRIVATE_KEY);
    private static final char[] NO_PASSWORD = new char[0];

    private TlsSettings() {}

    static SSLContext context(Config tls) {
        tls.requireOnly(KEYS);
        try {
            TrustManager[] trust = null;
            Optional<Path> ca = tls.file(CA);
            if (ca.isPresent()) {
                trust = trustManagers(read(tls, CA, () -> Pem.certificates(ca.get())));
            }
            KeyManager[] identity = null;
            Optional<Path> certificate = tls.file(CERTIFICATE);
            Optional<Path> privateKey = tls.file(PRIVATE_KEY);
            if (certificate.isPresent() != privateKey.isPresent()) {
                throw tls.missing(certificate.isPresent() ? PRIVATE_KEY : CERTIFICATE);
            }
            if (certificate.isPresent()) {
                List<X509Certificate> chain = read(tls, CERTIFICATE, () -> Pem.certificates(certificate.get()));
                PrivateKey key = read(tls, PRIVATE_KEY, () -> Pem.privateKey(privateKey.get()));
                if (!signsFor(key, chain.getFirst().getPublicKey())) {
                    throw tls.error(PRIVATE_KEY, "does not match the key of " + certificate.get());
                }
                identity = keyManagers(chain, key);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(tls.location(), tls.path() + ": cannot set up TLS: " + e.getMessage());
        }
    }

    private static TrustManager[] trustManagers(List<X509Certificate> authorities) throws GeneralSecurityException {
        KeyStore store = emptyStore();
        for (int i = 0; i < authorities.size(); i++) {
            store.setCertificateEntry("ca-" + i, authorities.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key)
            throws GeneralSecurityException {
        KeyStore store = emptyStore();
        store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, NO_PASSWORD);
        return factory.getKeyManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            return store;
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot make an empty key store", e);
        }
    }

    /** Whether a signature by {@code key} verifies with {@code publicKey}: a pair, rather than a mix-up of files. */
    private static boolean signsFor(PrivateKey key, PublicKey publicKey) throws GeneralSecurityException {
        byte[] probe = "lwt etcd client key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        try {
            signer.initVerify(publicKey);
        } catch (InvalidKeyException e) {
            return false; // a key of another algorithm
        }
        signer.update(probe);
        return signer.verify(signature);
    }

    private static <T> T read(Config tls, String key, PemReader<T> reader) {
        try {
            return reader.read();
        } catch (NoSuchFileException e) {
            throw tls.error(key, "no such file: " + e.getFile());
        } catch (FileSystemException e) {
            throw tls.error(key, "cannot read " + e.getFile() + ": " + e.getReason());
        } catch (IOException e) {
            throw tls.error(key, e.getMessage());
        }
    }

    private interface PemReader<T> {
        T read() throws IOException;
    }
}
