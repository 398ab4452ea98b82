package io.lwt.cluster.etcd;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of an etcd store's TLS settings with the JDK alone: X.509 certificates, and an unencrypted
 * PKCS#8 private key ({@code BEGIN PRIVATE KEY}), EC or RSA. Each failure is an {@link IOException} saying what the
 * file lacks. Called while a configuration is validated.
 */
final class Pem {

    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final Pattern OTHER_KEY = Pattern.compile("-----BEGIN ((?:ENCRYPTED|RSA|EC) PRIVATE KEY)-----");
    private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA");

    private Pem() {}

    /** Every certificate in the file, in its order; at least one. */
    static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] pem = Files.readAllBytes(file);
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (var certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem))) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (CertificateException e) {
            throw new IOException("no valid PEM certificate in " + file + ": " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new IOException("no PEM certificate in " + file);
        }
        return certificates;
    }

    static PrivateKey privateKey(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher key = PRIVATE_KEY.matcher(pem);
        if (!key.find()) {
            Matcher other = OTHER_KEY.matcher(pem);
            throw new IOException(other.find()
                    ? file + ": '-----BEGIN " + other.group(1) + "-----' is not an unencrypted PKCS#8 key; convert "
                            + "it with 'openssl pkcs8 -topk8 -nocrypt -in " + file + "'"
                    : "no '-----BEGIN PRIVATE KEY-----' block in " + file);
        }
        byte[] encoded;
        try {
            encoded = Base64.getMimeDecoder().decode(key.group(1).strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid base64 in the private key of " + file);
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(encoded));
            } catch (InvalidKeySpecException e) {
                // try the next algorithm
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot read the private key of " + file + ": " + e.getMessage());
            }
        }
        throw new IOException("the private key in " + file + " is neither an EC nor an RSA PKCS#8 key");
    }
}
