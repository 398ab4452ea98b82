package io.lwt.transport.tls;

import static io.lwt.transport.tls.Loopback.ANY_PORT;
import static io.lwt.transport.tls.Loopback.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import io.lwt.cert.Certificates;
import io.lwt.cert.Credentials;
import io.lwt.cert.KeyType;
import io.lwt.transport.tls.Loopback.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every failure gives one line naming its cause, on both sides, and ends only that connection. */
class TlsFailuresTest {

    @TempDir
    Path dir;

    private final Credentials ca = Loopback.authority("Test CA");

    private Transport hubWith(Credentials certificate, Object... more) throws IOException {
        Path file = Loopback.write(dir, "hub", certificate);
        Object[] keys = new Object[4 + more.length];
        keys[0] = "certificate";
        keys[1] = file;
        keys[2] = "private-key";
        keys[3] = dir.resolve("hub.key");
        System.arraycopy(more, 0, keys, 4, more.length);
        return Loopback.transport(dir, keys);
    }

    private Transport clientTrustingCa(Object... more) throws IOException {
        Path file = Loopback.write(dir, "ca", ca);
        Object[] keys = new Object[2 + more.length];
        keys[0] = "ca";
        keys[1] = file;
        System.arraycopy(more, 0, keys, 2, more.length);
        return Loopback.transport(dir, keys);
    }

    private Credentials hubCertificate(Instant notBefore, Instant notAfter) {
        return Certificates.create("hub", List.of("127.0.0.1"), Certificates.generateKeyPair(KeyType.ED25519), ca,
                notBefore, notAfter, false);
    }

    @Test
    void expiredHubCertificate() throws Exception {
        Instant expiry = Instant.parse("2024-05-01T12:00:00Z");
        Outcome outcome = Loopback.attempt(hubWith(hubCertificate(expiry.minus(Duration.ofDays(90)), expiry)),
                clientTrustingCa(), "127.0.0.1");
        assertEquals("tls: the hub's certificate (CN=hub) expired on 2024-05-01T12:00:00Z", outcome.client());
        assertEquals("tls: the client refused our certificate: alert certificate_expired", outcome.hub());
    }

    @Test
    void notYetValidHubCertificate() throws Exception {
        Instant start = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Outcome outcome = Loopback.attempt(hubWith(hubCertificate(start, start.plus(Duration.ofDays(90)))),
                clientTrustingCa(), "127.0.0.1");
        assertEquals("tls: the hub's certificate (CN=hub) is not valid before " + start, outcome.client());
        assertEquals("tls: the client refused our certificate: alert certificate_expired", outcome.hub());
    }

    @Test
    void hubCertificateFromAnUnknownCa() throws Exception {
        Credentials other = Loopback.authority("Other CA");
        Outcome outcome = Loopback.attempt(hubWith(Loopback.certificate("hub", List.of("127.0.0.1"), other,
                KeyType.EC)), clientTrustingCa(), "127.0.0.1");
        assertEquals("tls: the hub's certificate (CN=hub) is issued by CN=Other CA, which is not in ca "
                + dir.resolve("ca.crt"), outcome.client());
        assertEquals("tls: the client refused our certificate: alert unknown_ca", outcome.hub());
    }

    @Test
    void selfSignedHubWithACaClient() throws Exception {
        Outcome outcome = Loopback.attempt(Loopback.transport(dir, "certificate", "auto"), clientTrustingCa(),
                "127.0.0.1");
        assertEquals("tls: the hub's certificate (CN=lwt) is issued by CN=lwt (self-signed), which is not in ca "
                + dir.resolve("ca.crt"), outcome.client());
        assertEquals("tls: the client refused our certificate: alert unknown_ca", outcome.hub());
    }

    @Test
    void systemTrustRefusesASelfSignedHub() throws Exception {
        Outcome outcome = Loopback.attempt(Loopback.transport(dir, "certificate", "auto"),
                Loopback.transport(dir, "trust", "system"), "127.0.0.1");
        assertEquals("tls: the hub's certificate (CN=lwt) is issued by CN=lwt (self-signed), which is not in the"
                + " system trust store", outcome.client());
        assertEquals("tls: the client refused our certificate: alert unknown_ca", outcome.hub());
    }

    @Test
    void pinMismatch() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        String actual = Certificates.fingerprint(Certificates.readCertificates(dir.resolve("tls/tls.crt")).getFirst());
        String pinned = "sha256:" + "ab".repeat(32);
        Outcome outcome = Loopback.attempt(hub, Loopback.transport(dir, "pin", "SHA256:" + "AB:".repeat(31) + "AB"),
                "127.0.0.1");
        assertEquals("tls: the hub's certificate " + actual + " does not match the pinned " + pinned, outcome.client());
        assertEquals("tls: the client refused our certificate: alert bad_certificate", outcome.hub());
    }

    @Test
    void nameMismatch() throws Exception {
        Transport hub = hubWith(Loopback.certificate("hub", List.of("hub.example", "127.0.0.1"), ca, KeyType.EC));
        Outcome byName = Loopback.attempt(hub, clientTrustingCa("server-name", "other.example"), "127.0.0.1");
        assertEquals("tls: the hub's certificate is for hub.example, 127.0.0.1, not 'other.example'", byName.client());
        assertEquals("tls: the client refused our certificate: alert bad_certificate", byName.hub());

        Outcome byAddress = Loopback.attempt(hubWith(Loopback.certificate("hub", List.of("hub.example"), ca,
                KeyType.EC)), clientTrustingCa(), "127.0.0.1");
        assertEquals("tls: the hub's certificate is for hub.example, not '127.0.0.1'", byAddress.client());
        assertEquals("tls: the client refused our certificate: alert bad_certificate", byAddress.hub());
    }

    @Test
    void wrongServerNameAtAHubThatHasOne() throws Exception {
        Transport hub = hubWith(Loopback.certificate("hub", List.of("hub.example", "other.example"), ca, KeyType.EC),
                "server-name", "hub.example");
        Outcome outcome = Loopback.attempt(hub, clientTrustingCa("server-name", "other.example"), "127.0.0.1");
        assertEquals("tls: the client asked for server name 'other.example', this hub is 'hub.example' (server-name)",
                outcome.hub());
        assertEquals("tls: the hub does not answer to the server name we sent: alert unrecognized_name",
                outcome.client());
        Outcome right = Loopback.attempt(hub, clientTrustingCa("server-name", "hub.example"), "127.0.0.1");
        assertEquals(List.of("ok", "ok"), List.of(right.hub(), right.client()));
    }

    @Test
    void missingClientCertificate() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto", "client-ca", Loopback.write(dir, "ca", ca));
        Outcome outcome = Loopback.attempt(hub, Loopback.transport(dir, "insecure-skip-verify", "true"), "127.0.0.1");
        assertEquals("tls: the client sent no certificate (client-ca requires one)", outcome.hub());
        assertEquals("tls: the hub requires a client certificate (set certificate and private-key):"
                + " alert certificate_required", outcome.client());
    }

    @Test
    void untrustedClientCertificate() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto", "client-ca", Loopback.write(dir, "ca", ca));
        Loopback.write(dir, "mallory", Loopback.certificate("mallory", List.of(), Loopback.authority("Mallory CA"),
                KeyType.ED25519));
        Outcome outcome = Loopback.attempt(hub, Loopback.transport(dir, "certificate", "mallory.crt", "private-key",
                "mallory.key", "insecure-skip-verify", "true"), "127.0.0.1");
        assertEquals("tls: the client's certificate (CN=mallory) is issued by CN=Mallory CA, which is not in client-ca "
                + dir.resolve("ca.crt"), outcome.hub());
        assertEquals("tls: the hub refused our certificate: alert unknown_ca", outcome.client());
    }

    @Test
    void expiredClientCertificate() throws Exception {
        Instant expiry = Instant.parse("2025-01-31T00:00:00Z");
        Loopback.write(dir, "dave", Certificates.create("dave", List.of(), Certificates.generateKeyPair(KeyType.EC),
                ca, expiry.minus(Duration.ofDays(365)), expiry, false));
        Transport hub = Loopback.transport(dir, "certificate", "auto", "client-ca", Loopback.write(dir, "ca", ca));
        Outcome outcome = Loopback.attempt(hub, Loopback.transport(dir, "certificate", "dave.crt", "private-key",
                "dave.key", "insecure-skip-verify", "true"), "127.0.0.1");
        assertEquals("tls: the client's certificate (CN=dave) expired on 2025-01-31T00:00:00Z", outcome.hub());
        assertEquals("tls: the hub refused our certificate: alert certificate_expired", outcome.client());
    }

    @ParameterizedTest(name = "CRL in {0}")
    @ValueSource(strings = {"PEM", "DER"})
    void revokedClientCertificate(String format) throws Exception {
        Credentials alice = Loopback.certificate("alice", List.of(), ca, KeyType.EC);
        Credentials bob = Loopback.certificate("bob", List.of(), ca, KeyType.EC);
        Loopback.write(dir, "alice", alice);
        Loopback.write(dir, "bob", bob);
        Path crl = writeCrl(alice.leaf().getSerialNumber(), format.equals("DER"));
        Transport hub = Loopback.transport(dir, "certificate", "auto", "client-ca", Loopback.write(dir, "ca", ca),
                "client-crl", crl);

        Outcome revoked = Loopback.attempt(hub, Loopback.transport(dir, "certificate", "alice.crt", "private-key",
                "alice.key", "insecure-skip-verify", "true"), "127.0.0.1");
        assertEquals("tls: the client's certificate (CN=alice), serial " + alice.leaf().getSerialNumber().toString(16)
                + ", is revoked by client-crl " + crl, revoked.hub());
        assertEquals("tls: the hub refused our certificate: alert certificate_revoked", revoked.client());

        Outcome valid = Loopback.attempt(hub, Loopback.transport(dir, "certificate", "bob.crt", "private-key",
                "bob.key", "insecure-skip-verify", "true"), "127.0.0.1");
        assertEquals(List.of("ok", "ok"), List.of(valid.hub(), valid.client()), "only the revoked one is refused");
    }

    @Test
    void noCommonAlpnProtocol() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto", "alpn", "http/1.1");
        Outcome other = Loopback.attempt(hub, Loopback.transport(dir, "insecure-skip-verify", "true",
                "alpn", List.of("h2", "spdy/3")), "127.0.0.1");
        assertEquals("tls: no common ALPN protocol: the client offers h2, spdy/3, this hub accepts http/1.1 (alpn)",
                other.hub());
        assertEquals("tls: no common ALPN protocol with the hub: alert no_application_protocol", other.client());

        Outcome none = Loopback.attempt(hub, Loopback.transport(dir, "insecure-skip-verify", "true"), "127.0.0.1");
        assertEquals("tls: the client offers no ALPN protocol, this hub requires one of http/1.1 (alpn)", none.hub());
        assertEquals("tls: no common ALPN protocol with the hub: alert no_application_protocol", none.client());
    }

    @Test
    void tls12IsRefusedWhenTheHubAllowsOnly13() throws Exception {
        Outcome outcome = Loopback.attempt(Loopback.transport(dir, "certificate", "auto"),
                Loopback.transport(dir, "insecure-skip-verify", "true", "versions", "1.2"), "127.0.0.1");
        assertEquals("tls: no common TLS version: the client offers TLS 1.2, this hub allows TLS 1.3 (versions)",
                outcome.hub());
        assertEquals("tls: no common TLS version with the hub: alert protocol_version", outcome.client());
    }

    @Test
    void aPlaintextClientOnATlsPort() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        try (Listener listener = hub.listen(ANY_PORT);
                Socket plain = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
            // what the tcp transport's length-prefix codec sends: a 4-byte length, then the message
            plain.getOutputStream().write(new byte[] {0, 0, 0, 3, 1, 2, 3});
            try (Connection accepted = listener.accept()) {
                IOException e = assertThrows(IOException.class, () -> Loopback.receive(accepted, 1));
                assertEquals("tls: the peer does not speak TLS (is its transport tcp?)", e.getMessage());
            }
            assertEquals(-1, plain.getInputStream().read(), "the plaintext client is disconnected");
        }
    }

    @Test
    void aTlsClientAtAPlaintextHub() throws Exception {
        Transport client = Loopback.transport(dir, "insecure-skip-verify", "true");
        try (ServerSocket plainHub = new ServerSocket(0, 1, ANY_PORT.getAddress());
                var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<byte[]> hubSide = CompletableFuture.supplyAsync(() -> {
                try (Socket s = plainHub.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    out.write(new byte[] {0, 0, 0, 33, 2}); // a plaintext hub greets first: a framed challenge
                    out.write(new byte[32]);
                    return in.readNBytes(3);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, threads);
            IOException e = assertThrows(IOException.class, () -> client.dial(
                    new java.net.InetSocketAddress(ANY_PORT.getAddress(), plainHub.getLocalPort()), TIMEOUT));
            assertEquals("tls: the hub did not answer with TLS (is its transport tcp?)", e.getMessage());
            assertEquals(0x16, Loopback.await(hubSide)[0], "the plaintext hub got a TLS handshake record");
        }
    }

    @Test
    void aHubThatNeverAnswersTimesTheDialOut() throws Exception {
        Transport client = Loopback.transport(dir, "insecure-skip-verify", "true");
        try (ServerSocket silentHub = new ServerSocket(0, 1, ANY_PORT.getAddress())) {
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> client.dial(
                    new java.net.InetSocketAddress(ANY_PORT.getAddress(), silentHub.getLocalPort()),
                    Duration.ofMillis(300)));
            assertEquals("tls: the hub did not finish the TLS handshake in time", e.getMessage());
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(millis >= 250 && millis < 5000, "gave up after " + millis + " ms");
        }
    }

    @Test
    void oneFailedClientDoesNotDisturbTheNext() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        String pin = Certificates.fingerprint(Certificates.readCertificates(dir.resolve("tls/tls.crt")).getFirst());
        try (Listener listener = hub.listen(ANY_PORT); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<List<String>> hubSide = CompletableFuture.supplyAsync(() -> {
                List<String> results = new java.util.ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    try (Connection c = listener.accept()) {
                        Loopback.send(c, "hello");
                        results.add(Loopback.receive(c, 4));
                    } catch (IOException e) {
                        results.add(e.getMessage());
                    }
                }
                return results;
            }, threads);
            Transport wrongPin = Loopback.transport(dir, "pin", "sha256:" + "00".repeat(32));
            assertThrows(IOException.class, () -> wrongPin.dial(listener.localAddress(), TIMEOUT));
            try (Connection good = Loopback.transport(dir, "pin", pin).dial(listener.localAddress(), TIMEOUT)) {
                assertEquals("hello", Loopback.receive(good, 5));
                Loopback.send(good, "ping");
            }
            assertEquals(List.of("tls: the client refused our certificate: alert bad_certificate", "ping"),
                    Loopback.await(hubSide));
        }
    }

    private Path writeCrl(BigInteger revokedSerial, boolean der) throws Exception {
        Instant now = Instant.now();
        X509CRL crl = Loopback.crl(ca, now, now.plus(Duration.ofDays(7)), revokedSerial);
        return der ? Files.write(dir.resolve("revoked.crl"), crl.getEncoded())
                : Files.writeString(dir.resolve("revoked.crl"), Loopback.pem(crl));
    }
}
