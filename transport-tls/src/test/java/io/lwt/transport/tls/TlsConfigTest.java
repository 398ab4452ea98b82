package io.lwt.transport.tls;

import static io.lwt.transport.tls.Loopback.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.ConfigException;
import io.lwt.api.transport.Transport;
import io.lwt.cert.Certificates;
import io.lwt.cert.KeyType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls} section is checked when the node starts, each error naming its key and where it was written. */
class TlsConfigTest {

    @TempDir
    Path dir;

    private String error(Object... keysAndValues) {
        return assertThrows(ConfigException.class,
                () -> new TlsTransportProvider().create(config(dir, keysAndValues))).getMessage();
    }

    private String at() {
        return dir.resolve("lwt.yaml") + ":3:7: nodes.n.transport.tls";
    }

    @Test
    void unknownKeyGetsASuggestion() {
        assertEquals(at() + ".insecure-skip-verfy: unknown key (did you mean 'insecure-skip-verify'?)",
                error("insecure-skip-verfy", "true"));
    }

    @Test
    void aNodeThatCanNeitherListenNorVerifyIsRefused() {
        assertEquals(at() + ": set certificate (hub) or pin, ca or trust (client)", error());
        assertEquals(at() + ": set certificate (hub) or pin, ca or trust (client)",
                error("insecure-skip-verify", "false"));
    }

    @Test
    void onlyOneWayToVerifyTheHub() {
        assertEquals(at() + ".trust: choose one of pin, ca, trust and insecure-skip-verify (pin is set too)",
                error("pin", "sha256:" + "00".repeat(32), "trust", "system"));
        assertEquals(at() + ".insecure-skip-verify: choose one of pin, ca, trust and insecure-skip-verify"
                + " (trust is set too)", error("trust", "system", "insecure-skip-verify", "true"));
    }

    @Test
    void badValuesAreNamed() {
        assertEquals(at() + ".pin: 'sha256:abcd' is not a fingerprint: 4 hex digits, a SHA-256 has 64",
                error("pin", List.of("sha256:" + "00".repeat(32), "sha256:abcd")));
        assertEquals(at() + ".trust: expected system, got 'mozilla'", error("trust", "mozilla"));
        assertEquals(at() + ".versions: expected 1.2 or 1.3, got '1.1'",
                error("certificate", "auto", "versions", List.of("1.1", "1.3")));
        assertEquals(at() + ".client-identity: expected cn or san, got 'uid'", error("certificate", "auto",
                "client-ca", "ca.pem", "client-identity", "uid"));
        assertEquals(at() + ".alpn: '' is not a protocol name (1-255 ASCII characters)",
                error("certificate", "auto", "alpn", List.of("h2", "")));
        assertEquals(at() + ".receive-buffer: 1 is out of range 4096..67108864",
                error("certificate", "auto", "receive-buffer", "1"));
    }

    @Test
    void keysThatNeedAnotherKey() {
        assertEquals(at() + ".client-crl: needs client-ca", error("certificate", "auto", "client-crl", "x.crl"));
        assertEquals(at() + ".client-identity: needs client-ca", error("certificate", "auto", "client-identity", "san"));
        assertEquals(at() + ".private-key: needs certificate", error("pin", "sha256:" + "00".repeat(32),
                "private-key", "k.pem"));
        assertEquals(at() + ".private-key: not with certificate: auto, which keeps its key in store",
                error("certificate", "auto", "private-key", "k.pem"));
        assertEquals(at() + ".store: only with certificate: auto", error("certificate", "c.pem",
                "private-key", "k.pem", "store", "keys"));
        assertEquals(at() + ".certificate: a certificate file needs private-key: its key file",
                error("certificate", "c.pem"));
    }

    @Test
    void unreadableFilesNameThemselvesAtTheirKey() throws IOException {
        assertEquals(at() + ".certificate: " + dir.resolve("c.pem") + ": no such file",
                error("certificate", "c.pem", "private-key", "k.pem"));
        assertEquals(at() + ".ca: " + dir.resolve("ca.pem") + ": no such file", error("ca", "ca.pem"));
        Files.writeString(dir.resolve("empty.crl"), "");
        assertEquals(at() + ".client-crl: " + dir.resolve("empty.crl")
                + ": no CRL found (expected PEM '-----BEGIN X509 CRL-----' or DER)", error("certificate", "auto",
                        "client-ca", Loopback.write(dir, "ca", Loopback.authority("CA")), "client-crl", "empty.crl"));
    }

    @Test
    void autoCertificateLivesBesideTheTopologyFileByDefault() throws IOException {
        new TlsTransportProvider().create(config(dir, "certificate", "auto"));
        Path key = dir.resolve("tls/tls.key");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("tls"))));
        assertEquals("CN=lwt", Certificates.readCertificates(dir.resolve("tls/tls.crt")).getFirst()
                .getSubjectX500Principal().getName());

        Files.delete(key);
        assertEquals(at() + ".certificate: auto: " + key + " is missing but " + dir.resolve("tls/tls.crt")
                + " exists: restore it, or remove both to create a new certificate", error("certificate", "auto"));
    }

    @Test
    void aCertificateFileWithTheWrongKeyIsRefused() throws IOException {
        Loopback.write(dir, "a", Loopback.certificate("a", List.of(), null, KeyType.EC));
        Loopback.write(dir, "b", Loopback.certificate("b", List.of(), null, KeyType.EC));
        assertEquals(at() + ".certificate: " + dir.resolve("b.key") + " is not the private key of the certificate in "
                + dir.resolve("a.crt"), error("certificate", "a.crt", "private-key", "b.key"));
    }

    @Test
    void dialingWithoutAWayToVerifyAndListeningWithoutACertificateFailInOneLine() {
        Transport hubOnly = new TlsTransportProvider().create(config(dir, "certificate", "auto"));
        IOException dial = assertThrows(IOException.class,
                () -> hubOnly.dial(new InetSocketAddress("127.0.0.1", 9), Loopback.TIMEOUT));
        assertEquals("tls: cannot dial 127.0.0.1:9 without a way to verify the hub:"
                + " set pin, ca, trust or insecure-skip-verify", dial.getMessage());

        Transport clientOnly = new TlsTransportProvider().create(config(dir, "trust", "system"));
        IOException listen = assertThrows(IOException.class, () -> clientOnly.listen(Loopback.ANY_PORT));
        assertTrue(listen.getMessage().startsWith("tls: cannot listen on ")
                && listen.getMessage().endsWith(" without a certificate: set certificate (auto or a PEM file)"),
                listen.getMessage());
    }

    @Test
    void providerIsNamedTls() {
        assertEquals("tls", new TlsTransportProvider().name());
    }
}
