package io.lwt.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificatesTest {

    private static final Instant NOW = Instant.now();
    private static final Instant LATER = NOW.plus(Duration.ofDays(1));

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void generatesEachKeyTypeAndSignsWithIt(KeyType type) throws Exception {
        KeyPair keys = Certificates.generateKeyPair(type);
        switch (type) {
            case ED25519 -> assertEquals("Ed25519", ((EdECPublicKey) keys.getPublic()).getParams().getName());
            case EC -> assertEquals(256, ((ECPublicKey) keys.getPublic()).getParams().getCurve().getField().getFieldSize());
            case RSA -> assertEquals(3072, ((RSAPublicKey) keys.getPublic()).getModulus().bitLength());
        }
        Credentials self = Certificates.create("node", List.of("node.example"), keys, null, NOW, LATER, false);
        X509Certificate leaf = self.leaf();
        leaf.verify(keys.getPublic()); // self-signed with a signature that fits the key
        assertEquals("CN=node", leaf.getSubjectX500Principal().getName());
        assertEquals(leaf.getSubjectX500Principal(), leaf.getIssuerX500Principal());
        assertEquals(-1, leaf.getBasicConstraints(), "not a CA");
        assertTrue(leaf.getKeyUsage()[0], "digitalSignature");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
        assertTrue(leaf.getSerialNumber().bitLength() > 64 && leaf.getSerialNumber().bitLength() <= 128,
                "random 128-bit serial: " + leaf.getSerialNumber().bitLength());
        assertEquals(NOW.getEpochSecond(), leaf.getNotBefore().toInstant().getEpochSecond());
        assertEquals(LATER.getEpochSecond(), leaf.getNotAfter().toInstant().getEpochSecond());
    }

    @Test
    void caSignsALeafAndAnIntermediateWhoseChainsValidate() throws Exception {
        Credentials root = Certificates.create("Root CA", List.of(), Certificates.generateKeyPair(KeyType.EC), null,
                NOW, LATER, true);
        assertTrue(root.leaf().getBasicConstraints() >= 0, "CA");
        assertTrue(root.leaf().getKeyUsage()[5] && root.leaf().getKeyUsage()[6], "keyCertSign and cRLSign");
        Credentials intermediate = Certificates.create("Intermediate CA", List.of(),
                Certificates.generateKeyPair(KeyType.RSA), root, NOW, LATER, true);
        assertEquals(List.of(intermediate.leaf()), intermediate.chain(), "the self-signed root is not in the chain");
        Credentials leaf = Certificates.create("hub", List.of("hub.example", "10.0.0.1", "::1", "ops@example.org"),
                Certificates.generateKeyPair(KeyType.ED25519), intermediate, NOW, LATER, false);
        assertEquals(List.of(leaf.leaf(), intermediate.leaf()), leaf.chain());
        assertEquals("CN=Intermediate CA", leaf.leaf().getIssuerX500Principal().getName());
        leaf.leaf().verify(intermediate.leaf().getPublicKey());
        assertEquals(List.of(List.of(2, "hub.example"), List.of(7, "10.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"),
                List.of(1, "ops@example.org")), List.copyOf(leaf.leaf().getSubjectAlternativeNames()));

        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root.leaf(), null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(leaf.chain()), parameters);
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void writeAndReadRoundTripTheChainAndThePkcs8Key(KeyType type) throws Exception {
        Credentials ca = Certificates.create("CA", List.of(), Certificates.generateKeyPair(KeyType.EC), null, NOW,
                LATER, true);
        Credentials intermediate = Certificates.create("Sub CA", List.of(), Certificates.generateKeyPair(KeyType.EC),
                ca, NOW, LATER, true);
        Credentials leaf = Certificates.create("hub", List.of("hub"), Certificates.generateKeyPair(type),
                intermediate, NOW, LATER, false);
        Path certificate = dir.resolve("new/sub/hub.crt");
        Path key = dir.resolve("new/sub/hub.key");
        Certificates.write(leaf, certificate, key);

        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
        Credentials read = Certificates.read(certificate, key);
        assertEquals(leaf.chain(), read.chain());
        assertArrayEquals(leaf.key().getEncoded(), read.key().getEncoded());
        assertEquals(List.of(leaf.leaf(), intermediate.leaf()), Certificates.readCertificates(certificate));
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"RSA", "EC"})
    void readsTraditionalOpenSslKeys(KeyType type) throws Exception {
        KeyPair keys = Certificates.generateKeyPair(type);
        Credentials self = Certificates.create("old", List.of(), keys, null, NOW, LATER, false);
        Certificates.write(self, dir.resolve("old.crt"), dir.resolve("unused.key"));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            if (type == KeyType.RSA) {
                writer.writeObject(keys.getPrivate()); // PKCS#1
            } else { // SEC1 with its curve, as openssl ecparam -genkey writes it
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
                writer.writeObject(new PemObject("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                        ((ECPrivateKey) keys.getPrivate()).getS(), info.getPrivateKeyAlgorithm().getParameters())
                        .getEncoded()));
            }
        }
        String header = type == KeyType.RSA ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----";
        assertTrue(pem.toString().startsWith(header), pem.toString().lines().findFirst().orElse(""));
        Path key = Files.writeString(dir.resolve("old.key"), pem.toString());

        Credentials read = Certificates.read(dir.resolve("old.crt"), key); // also checks the key fits the certificate
        assertEquals(keys.getPrivate().getAlgorithm(), read.key().getAlgorithm());
        if (type == KeyType.EC) {
            assertEquals(((ECPrivateKey) keys.getPrivate()).getS(), ((ECPrivateKey) read.key()).getS());
        } else {
            assertArrayEquals(keys.getPrivate().getEncoded(), read.key().getEncoded());
        }
    }

    @Test
    void keyFileIsCreatedPrivateAndTheCertificateReadable() throws Exception {
        Credentials self = Certificates.create("n", List.of(), Certificates.generateKeyPair(KeyType.ED25519), null,
                NOW, LATER, false);
        Path certificate = dir.resolve("store/tls.crt");
        Path key = dir.resolve("store/tls.key");
        Certificates.write(self, certificate, key);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(certificate)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("store"))));
        try (var files = Files.list(dir.resolve("store"))) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
        Certificates.write(self, certificate, key); // replacing keeps the modes
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void loadOrCreateCreatesOnceThenReuses() throws Exception {
        Path certificate = dir.resolve("tls/tls.crt");
        Path key = dir.resolve("tls/tls.key");
        AutoCertificate first = Certificates.loadOrCreate(certificate, key, "lwt");
        assertTrue(first.created());
        X509Certificate leaf = first.credentials().leaf();
        assertEquals("CN=lwt", leaf.getSubjectX500Principal().getName());
        assertEquals(List.of(List.of(2, "lwt")), List.copyOf(leaf.getSubjectAlternativeNames()));
        assertEquals("EdDSA", leaf.getPublicKey().getAlgorithm());
        Duration validity = Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
        assertTrue(validity.toDays() >= 3652 && validity.toDays() <= 3654, "10 years: " + validity);
        assertTrue(leaf.getNotBefore().toInstant().isBefore(Instant.now()));

        AutoCertificate second = Certificates.loadOrCreate(certificate, key, "lwt");
        assertFalse(second.created());
        assertEquals(leaf, second.credentials().leaf());
        assertArrayEquals(first.credentials().key().getEncoded(), second.credentials().key().getEncoded());

        Files.delete(key);
        IOException missing = assertThrows(IOException.class, () -> Certificates.loadOrCreate(certificate, key, "lwt"));
        assertEquals(key + " is missing but " + certificate
                + " exists: restore it, or remove both to create a new certificate", missing.getMessage());
    }

    @Test
    void readingRejectsAForeignKeyAnEncryptedKeyAndAFileWithoutCertificates() throws Exception {
        Credentials a = Certificates.create("a", List.of(), Certificates.generateKeyPair(KeyType.EC), null, NOW,
                LATER, false);
        Credentials b = Certificates.create("b", List.of(), Certificates.generateKeyPair(KeyType.EC), null, NOW,
                LATER, false);
        Certificates.write(a, dir.resolve("a.crt"), dir.resolve("a.key"));
        Certificates.write(b, dir.resolve("b.crt"), dir.resolve("b.key"));
        assertEquals(dir.resolve("b.key") + " is not the private key of the certificate in " + dir.resolve("a.crt"),
                assertThrows(IOException.class, () -> Certificates.read(dir.resolve("a.crt"), dir.resolve("b.key")))
                        .getMessage());

        byte[] ciphertext = new byte[160]; // never decrypted: the passphrase is what lwt cannot have
        new java.util.Random(1).nextBytes(ciphertext);
        PemObject pkcs8 = new PemObject("ENCRYPTED PRIVATE KEY", new EncryptedPrivateKeyInfo(new AlgorithmIdentifier(
                PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC, new PKCS12PBEParams(new byte[8], 2048)),
                ciphertext).getEncoded());
        PemObject traditional = new PemObject("RSA PRIVATE KEY", List.of(new PemHeader("Proc-Type", "4,ENCRYPTED"),
                new PemHeader("DEK-Info", "AES-128-CBC,00112233445566778899AABBCCDDEEFF")), ciphertext);
        for (PemObject block : List.of(pkcs8, traditional)) {
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(block);
            }
            Path encrypted = Files.writeString(dir.resolve("enc.key"), pem.toString());
            assertEquals(encrypted + ": the key is protected by a passphrase, which lwt cannot use; decrypt it with:"
                    + " openssl pkey -in " + encrypted + " -out KEYFILE", assertThrows(IOException.class,
                            () -> Certificates.read(dir.resolve("a.crt"), encrypted)).getMessage());
        }

        assertEquals(dir.resolve("a.key") + ": no certificate found (expected PEM '-----BEGIN CERTIFICATE-----')",
                assertThrows(IOException.class, () -> Certificates.readCertificates(dir.resolve("a.key")))
                        .getMessage());
        assertEquals(dir.resolve("none.pem") + ": no such file",
                assertThrows(IOException.class, () -> Certificates.readCertificates(dir.resolve("none.pem")))
                        .getMessage());
    }

    @Test
    void fingerprintIsSha256OfTheDerInLowerCaseHex() throws Exception {
        Credentials self = Certificates.create("n", List.of(), Certificates.generateKeyPair(KeyType.ED25519), null,
                NOW, LATER, false);
        String fingerprint = Certificates.fingerprint(self.leaf());
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(self.leaf().getEncoded());
        assertEquals("sha256:" + HexFormat.of().formatHex(digest), fingerprint);
        assertTrue(fingerprint.matches("sha256:[0-9a-f]{64}"));
        assertArrayEquals(digest, Certificates.parseFingerprint(fingerprint));
    }

    @Test
    void parseFingerprintAcceptsColonsAndAnyCaseAndNamesWhatIsWrong() {
        byte[] bytes = new byte[32];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 9 + 0xa0);
        }
        String hex = HexFormat.of().formatHex(bytes);
        String colons = HexFormat.ofDelimiter(":").formatHex(bytes);
        assertArrayEquals(bytes, Certificates.parseFingerprint("sha256:" + hex));
        assertArrayEquals(bytes, Certificates.parseFingerprint("sha256:" + colons));
        assertArrayEquals(bytes, Certificates.parseFingerprint("SHA256:" + colons.toUpperCase()));
        assertArrayEquals(bytes, Certificates.parseFingerprint("  sha256:" + hex.toUpperCase() + "\n"));

        assertEquals("'sha256:" + hex.substring(2) + "' is not a fingerprint: 62 hex digits, a SHA-256 has 64",
                assertThrows(IllegalArgumentException.class,
                        () -> Certificates.parseFingerprint("sha256:" + hex.substring(2))).getMessage());
        assertEquals("'md5:" + hex + "' is not a fingerprint: expected sha256: and 64 hex digits",
                assertThrows(IllegalArgumentException.class, () -> Certificates.parseFingerprint("md5:" + hex))
                        .getMessage());
        assertEquals("'" + hex + "' is not a fingerprint: expected sha256: and 64 hex digits",
                assertThrows(IllegalArgumentException.class, () -> Certificates.parseFingerprint(hex)).getMessage());
        String notHex = "sha256:" + hex.substring(0, 63) + "g";
        assertEquals("'" + notHex + "' is not a fingerprint: 'g' is not a hex digit",
                assertThrows(IllegalArgumentException.class, () -> Certificates.parseFingerprint(notHex)).getMessage());
        String badColons = "sha256:" + colons.substring(0, 5) + colons.substring(6);
        assertEquals("'" + badColons + "' is not a fingerprint: with ':' every byte must be two hex digits",
                assertThrows(IllegalArgumentException.class, () -> Certificates.parseFingerprint(badColons))
                        .getMessage());
    }

    @Test
    void describeNamesSubjectNamesIssuerValidityKeyAndFingerprint() {
        Credentials ca = Certificates.create("Test CA", List.of(), Certificates.generateKeyPair(KeyType.EC), null,
                NOW, LATER, true);
        Credentials leaf = Certificates.create("hub", List.of("hub.example", "192.0.2.1"),
                Certificates.generateKeyPair(KeyType.RSA), ca, NOW, LATER, false);
        String text = Certificates.describe(leaf.leaf());
        assertTrue(text.contains("subject:     CN=hub\n"), text);
        assertTrue(text.contains("names:       hub.example, 192.0.2.1\n"), text);
        assertTrue(text.contains("issuer:      CN=Test CA\n"), text);
        assertTrue(text.contains("valid:       " + leaf.leaf().getNotBefore().toInstant() + " to "), text);
        assertTrue(text.contains("key:         RSA 3072 bits\n"), text);
        assertTrue(text.contains("fingerprint: " + Certificates.fingerprint(leaf.leaf())), text);
        String caText = Certificates.describe(ca.leaf());
        assertTrue(caText.contains("subject:     CN=Test CA (CA)\n") && caText.contains("issuer:      (self-signed)\n"),
                caText);
    }
}
