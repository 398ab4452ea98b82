package io.lwt.cert;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Makes, reads, writes and describes X.509 certificates and their keys, with the JDK's own cryptography (no
 * security provider is registered). For {@code lwt cert}, the {@code tls} transport's {@code certificate: auto},
 * and tests that need certificate authorities, expired or wrong-name certificates.
 */
public final class Certificates {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "sha256:";
    private static final Pattern COLON_SEPARATED = Pattern.compile("([0-9a-fA-F]{2}:)*[0-9a-fA-F]{2}");
    /** Automatic certificates start an hour early, so a peer whose clock is a little behind accepts them. */
    private static final Duration CLOCK_SKEW = Duration.ofHours(1);
    private static final Duration AUTO_VALIDITY = Duration.ofDays(3653);
    private static final Set<PosixFilePermission> KEY_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> CERTIFICATE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

    private Certificates() {}

    /** A new key pair of this type from the JDK's generators. */
    public static KeyPair generateKeyPair(KeyType type) {
        try {
            KeyPairGenerator generator = switch (type) {
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519");
                case EC -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                    yield g;
                }
                case RSA -> {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(3072, RANDOM);
                    yield g;
                }
            };
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate " + type + " keys: " + e.getMessage(), e);
        }
    }

    /**
     * A new certificate for {@code keys}' public key.
     *
     * @param commonName the subject's CN
     * @param subjectAltNames IP literals become IP SANs, names with '@' email SANs, others DNS SANs; may be empty
     * @param keys the subject's key pair; its private key becomes the credentials' key
     * @param issuer the CA that signs it, or {@code null} for a self-signed certificate
     * @param notBefore start of validity
     * @param notAfter end of validity, after {@code notBefore}
     * @param ca whether it is a CA (basicConstraints CA, keyCertSign and cRLSign); otherwise an end entity with
     *     digitalSignature and the extended key usages serverAuth and clientAuth
     * @return the certificate, followed by the issuer's chain without its self-signed root; a random 128-bit serial
     *     number; signed with SHA-256 (ECDSA, RSA) or Ed25519, as the signing key requires
     * @throws IllegalArgumentException for an unusable key or validity
     */
    public static Credentials create(String commonName, List<String> subjectAltNames, KeyPair keys,
            Credentials issuer, Instant notBefore, Instant notAfter, boolean ca) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("a certificate needs a common name");
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " is not after notBefore " + notBefore);
        }
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        X500Name issuerName = issuer == null ? subject
                : X500Name.getInstance(issuer.leaf().getSubjectX500Principal().getEncoded());
        PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.key();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serialNumber(),
                    Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(
                            ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            if (issuer != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        extensions.createAuthorityKeyIdentifier(issuer.leaf()));
            }
            if (!ca) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            }
            if (!subjectAltNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, generalNames(subjectAltNames));
            }
            X509CertificateHolder signed = builder.build(
                    new JcaContentSignerBuilder(signatureAlgorithm(signingKey)).build(signingKey));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(signed);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            if (issuer != null) {
                issuer.chain().stream().filter(c -> !isSelfSigned(c)).forEach(chain::add);
            }
            return new Credentials(chain, keys.getPrivate());
        } catch (OperatorCreationException | CertificateException | CertIOException | NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("cannot create certificate " + commonName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a PEM certificate chain (leaf first) and its PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC; RSA, EC or
     * Ed25519), and checks that the key belongs to the leaf.
     *
     * @throws IOException with one line naming the file and what is wrong
     */
    public static Credentials read(Path certificateFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = readCertificates(certificateFile);
        PrivateKey key = readPrivateKey(keyFile);
        if (!belongTogether(key, chain.getFirst().getPublicKey())) {
            throw new IOException(keyFile + " is not the private key of the certificate in " + certificateFile);
        }
        return new Credentials(chain, key);
    }

    /**
     * Every certificate in a PEM file, in file order; other PEM blocks (a key in the same file) are skipped.
     *
     * @throws IOException with one line naming the file when it cannot be read or holds no certificate
     */
    public static List<X509Certificate> readCertificates(Path pemFile) throws IOException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object block : pemBlocks(pemFile)) {
            if (block instanceof X509CertificateHolder holder) {
                try {
                    certificates.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new IOException(pemFile + ": certificate " + (certificates.size() + 1)
                            + " cannot be read: " + e.getMessage(), e);
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new IOException(pemFile + ": no certificate found (expected PEM '-----BEGIN CERTIFICATE-----')");
        }
        return List.copyOf(certificates);
    }

    /**
     * Writes the chain and the key as PEM (the key as PKCS#8). Each file is written to a temporary file beside it
     * and moved into place, so a reader never sees half a file; the key file is created with mode 0600 (never
     * readable by others, not even briefly), the certificate file gets 0644. Missing parent directories are created
     * with mode 0700.
     */
    public static void write(Credentials credentials, Path certificateFile, Path keyFile) throws IOException {
        StringWriter certificates = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(certificates)) {
            for (X509Certificate certificate : credentials.chain()) {
                pem.writeObject(certificate);
            }
        }
        StringWriter key = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(key)) {
            pem.writeObject(new JcaPKCS8Generator(credentials.key(), null));
        }
        writeAtomically(keyFile, key.toString(), KEY_MODE);
        writeAtomically(certificateFile, certificates.toString(), CERTIFICATE_MODE);
    }

    /**
     * The certificate and key at these paths; when neither file exists, a new self-signed Ed25519 pair (CN and DNS
     * SAN {@code commonName}, valid for 10 years) written there first.
     *
     * @throws IOException when only one of the files exists (naming the missing one), or it cannot be read or written
     */
    public static AutoCertificate loadOrCreate(Path certificateFile, Path keyFile, String commonName)
            throws IOException {
        boolean haveCertificate = Files.exists(certificateFile);
        boolean haveKey = Files.exists(keyFile);
        if (haveCertificate && haveKey) {
            return new AutoCertificate(read(certificateFile, keyFile), false);
        }
        if (haveCertificate || haveKey) {
            Path missing = haveCertificate ? keyFile : certificateFile;
            Path present = haveCertificate ? certificateFile : keyFile;
            throw new IOException(missing + " is missing but " + present
                    + " exists: restore it, or remove both to create a new certificate");
        }
        Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(CLOCK_SKEW);
        Credentials credentials = create(commonName, List.of(commonName), generateKeyPair(KeyType.ED25519), null,
                notBefore, notBefore.plus(AUTO_VALIDITY), false);
        write(credentials, certificateFile, keyFile);
        return new AutoCertificate(credentials, true);
    }

    /** {@code sha256:} and the 64 lower-case hex digits of the SHA-256 of the certificate's DER encoding. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return PREFIX + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a fingerprint as {@link #fingerprint} writes it; also accepts ':' between the bytes and any case.
     *
     * @return the 32 bytes of the SHA-256
     * @throws IllegalArgumentException naming what is wrong
     */
    public static byte[] parseFingerprint(String text) {
        String trimmed = text.strip();
        if (!trimmed.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new IllegalArgumentException("'" + text + "' is not a fingerprint: expected sha256: and 64 hex digits");
        }
        String hex = trimmed.substring(PREFIX.length());
        if (hex.indexOf(':') >= 0) {
            if (!COLON_SEPARATED.matcher(hex).matches()) {
                throw new IllegalArgumentException("'" + text
                        + "' is not a fingerprint: with ':' every byte must be two hex digits");
            }
            hex = hex.replace(":", "");
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("'" + text + "' is not a fingerprint: '" + hex.charAt(i)
                        + "' is not a hex digit");
            }
        }
        if (hex.length() != 64) {
            throw new IllegalArgumentException("'" + text + "' is not a fingerprint: " + hex.length()
                    + " hex digits, a SHA-256 has 64");
        }
        return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
    }

    /** A few lines for people: subject, names, issuer, validity, key, fingerprint. */
    public static String describe(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        String issuer = isSelfSigned(certificate) ? "(self-signed)" : certificate.getIssuerX500Principal().getName();
        List<String> names = subjectAltNames(certificate);
        return "subject:     " + subject + (certificate.getBasicConstraints() >= 0 ? " (CA)" : "") + "\n"
                + "names:       " + (names.isEmpty() ? "(none)" : String.join(", ", names)) + "\n"
                + "issuer:      " + issuer + "\n"
                + "valid:       " + certificate.getNotBefore().toInstant() + " to "
                + certificate.getNotAfter().toInstant() + "\n"
                + "key:         " + describeKey(certificate.getPublicKey()) + "\n"
                + "fingerprint: " + fingerprint(certificate) + "\n";
    }

    /** The subject alternative names as text: DNS names, IP addresses, email addresses; others are skipped. */
    private static List<String> subjectAltNames(X509Certificate certificate) {
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of();
        }
        if (entries == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (List<?> entry : entries) {
            int type = (Integer) entry.get(0);
            if (type == GeneralName.dNSName || type == GeneralName.iPAddress || type == GeneralName.rfc822Name) {
                names.add((String) entry.get(1));
            }
        }
        return names;
    }

    private static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String describeKey(PublicKey key) {
        return switch (key) {
            case EdECKey ed -> ed.getParams().getName();
            case ECKey ec -> "EC " + ec.getParams().getCurve().getField().getFieldSize() + "-bit curve";
            case RSAKey rsa -> "RSA " + rsa.getModulus().bitLength() + " bits";
            default -> key.getAlgorithm();
        };
    }

    private static BigInteger serialNumber() {
        byte[] bytes = new byte[16];
        BigInteger serial;
        do {
            RANDOM.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }

    private static GeneralNames generalNames(List<String> names) {
        GeneralName[] generalNames = new GeneralName[names.size()];
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            int type = isIpLiteral(name) ? GeneralName.iPAddress
                    : name.indexOf('@') >= 0 ? GeneralName.rfc822Name : GeneralName.dNSName;
            generalNames[i] = new GeneralName(type, name);
        }
        return new GeneralNames(generalNames);
    }

    private static boolean isIpLiteral(String name) {
        try {
            InetAddress.ofLiteral(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The JCA name of the signature certificates are signed with by this key. */
    private static String signatureAlgorithm(PrivateKey key) {
        return switch (keyKind(key)) {
            case ED25519 -> "Ed25519";
            case EC -> "SHA256withECDSA";
            case RSA -> "SHA256withRSA";
        };
    }

    /** The kind of a key this module supports, or an {@link IllegalArgumentException} naming the others. */
    private static KeyType keyKind(java.security.Key key) {
        if (key instanceof EdECKey ed && ed.getParams().getName().equalsIgnoreCase("Ed25519")) {
            return KeyType.ED25519;
        }
        if (key instanceof ECKey) {
            return KeyType.EC;
        }
        if (key instanceof RSAKey) {
            return KeyType.RSA;
        }
        throw new IllegalArgumentException(key.getAlgorithm() + " keys are not supported (use Ed25519, EC or RSA)");
    }

    private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        try {
            String algorithm = signatureAlgorithm(key);
            byte[] probe = "lwt key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (InvalidKeyException | IllegalArgumentException e) {
            return false; // e.g. an EC key for an RSA certificate
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot check the key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(Path keyFile) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object block : pemBlocks(keyFile)) {
            PrivateKeyInfo info = switch (block) {
                case PrivateKeyInfo pkcs8 -> pkcs8;
                case PEMKeyPair pair -> pair.getPrivateKeyInfo(); // PKCS#1 RSA or SEC1 EC
                case PKCS8EncryptedPrivateKeyInfo ignored -> throw encrypted(keyFile);
                case PEMEncryptedKeyPair ignored -> throw encrypted(keyFile);
                default -> null; // EC PARAMETERS before a SEC1 key, or a certificate in the same file
            };
            if (info != null) {
                PrivateKey key;
                try {
                    key = converter.getPrivateKey(info);
                } catch (IOException e) {
                    throw new IOException(keyFile + ": the private key cannot be read: " + e.getMessage(), e);
                }
                try {
                    keyKind(key);
                } catch (IllegalArgumentException e) {
                    throw new IOException(keyFile + ": " + e.getMessage(), e);
                }
                return key;
            }
        }
        throw new IOException(keyFile + ": no private key found (expected PEM '-----BEGIN PRIVATE KEY-----',"
                + " 'RSA PRIVATE KEY' or 'EC PRIVATE KEY')");
    }

    private static IOException encrypted(Path keyFile) {
        return new IOException(keyFile + ": the key is protected by a passphrase, which lwt cannot use;"
                + " decrypt it with: openssl pkey -in " + keyFile + " -out KEYFILE");
    }

    private static List<Object> pemBlocks(Path file) throws IOException {
        List<Object> blocks = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                blocks.add(block);
            }
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a valid PEM file: " + oneLine(e.getMessage()), e);
        }
        return blocks;
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse("").strip();
    }

    private static void writeAtomically(Path target, String text, Set<PosixFilePermission> mode) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
        // created with the final mode (umask can only remove bits): a key is never readable by others
        Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(mode));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            Files.setPosixFilePermissions(temporary, mode);
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
