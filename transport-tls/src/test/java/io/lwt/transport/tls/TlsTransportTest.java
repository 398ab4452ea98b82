package io.lwt.transport.tls;

import static io.lwt.transport.tls.Loopback.ANY_PORT;
import static io.lwt.transport.tls.Loopback.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import io.lwt.cert.Certificates;
import io.lwt.cert.Credentials;
import io.lwt.cert.KeyType;
import io.lwt.transport.tls.Loopback.Outcome;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TlsTransportTest {

    @TempDir
    Path dir;

    @Test
    void pinnedAutoCertificateCarriesDataWithTheJdksAesGcm() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        String pin = Certificates.fingerprint(Certificates.readCertificates(dir.resolve("tls/tls.crt")).getFirst());
        Transport client = Loopback.transport(dir, "pin", pin);
        assertTrue(hub.encrypts() && client.encrypts());

        Outcome outcome = Loopback.attempt(hub, client, "127.0.0.1");
        assertEquals("ok", outcome.hub());
        assertEquals("ok", outcome.client());
        Negotiated negotiated = ((TlsConnection) outcome.clientConnection()).negotiated();
        assertEquals("TLS 1.3", negotiated.version());
        assertEquals("TLS_AES_128_GCM_SHA256", negotiated.cipherSuite());
        Negotiated atHub = ((TlsConnection) outcome.hubConnection()).negotiated();
        assertEquals(negotiated.toString(), atHub.toString());
        // the channel binding of the session handshake: the same at both ends, another for another session
        assertArrayEquals(outcome.clientConnection().channelBinding().orElseThrow(),
                outcome.hubConnection().channelBinding().orElseThrow());
        Outcome other = Loopback.attempt(hub, client, "127.0.0.1");
        assertFalse(java.util.Arrays.equals(outcome.clientConnection().channelBinding().orElseThrow(),
                other.clientConnection().channelBinding().orElseThrow()));
        closeAll(other);
        assertEquals(Optional.empty(), outcome.hubConnection().peerIdentity(), "no client certificate, no identity");
        assertEquals(outcome.clientConnection().localAddress(), outcome.hubConnection().remoteAddress());
        // the records went through the JDK's ciphers: BouncyCastle's providers were never registered
        assertNull(Security.getProvider("BC"));
        assertNull(Security.getProvider("BCJSSE"));
        closeAll(outcome);
    }

    @Test
    void bothAeadSuitesAreAvailableFromTheJdk() {
        JdkTlsCrypto crypto = new JdkTlsCrypto(new java.security.SecureRandom());
        assertTrue(crypto.hasEncryptionAlgorithm(EncryptionAlgorithm.AES_128_GCM));
        assertTrue(crypto.hasEncryptionAlgorithm(EncryptionAlgorithm.AES_256_GCM));
        assertTrue(crypto.hasEncryptionAlgorithm(EncryptionAlgorithm.CHACHA20_POLY1305));
    }

    @Test
    void autoCertificateIsReusedAcrossStarts() {
        Loopback.transport(dir, "certificate", "auto", "store", "keys");
        String first = Certificates.fingerprint(readLeaf(dir.resolve("keys/tls.crt")));
        Loopback.transport(dir, "certificate", "auto", "store", "keys");
        assertEquals(first, Certificates.fingerprint(readLeaf(dir.resolve("keys/tls.crt"))));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void caSignedHubIsCheckedByChainAndName(KeyType keyType) throws Exception {
        Credentials ca = Loopback.authority("Test CA");
        Path caFile = Loopback.write(dir, "ca", ca);
        Path hubFile = Loopback.write(dir, "hub",
                Loopback.certificate("hub", List.of("hub.example", "127.0.0.1"), ca, keyType));
        Transport hub = Loopback.transport(dir, "certificate", hubFile, "private-key", dir.resolve("hub.key"));

        Outcome byAddress = Loopback.attempt(hub, Loopback.transport(dir, "ca", caFile), "127.0.0.1");
        assertEquals(List.of("ok", "ok"), List.of(byAddress.hub(), byAddress.client()));
        closeAll(byAddress);
        Outcome byName = Loopback.attempt(hub,
                Loopback.transport(dir, "ca", "ca.crt", "server-name", "HUB.example"), "127.0.0.1");
        assertEquals(List.of("ok", "ok"), List.of(byName.hub(), byName.client()));
        closeAll(byName);
    }

    @ParameterizedTest
    @EnumSource(value = ClientAuthority.IdentityFrom.class)
    void mutualTlsGivesTheClientsIdentity(ClientAuthority.IdentityFrom from) throws Exception {
        Credentials ca = Loopback.authority("Clients CA");
        Path caFile = Loopback.write(dir, "ca", ca);
        Loopback.write(dir, "alice", Loopback.certificate("alice", List.of("alice.example"), ca, KeyType.EC));
        Transport hub = Loopback.transport(dir, "certificate", "auto", "client-ca", caFile,
                "client-identity", from.name().toLowerCase());
        Transport client = Loopback.transport(dir, "certificate", "alice.crt", "private-key", "alice.key",
                "insecure-skip-verify", "true");

        Outcome outcome = Loopback.attempt(hub, client, "127.0.0.1");
        assertEquals(List.of("ok", "ok"), List.of(outcome.hub(), outcome.client()));
        assertEquals(Optional.of(from == ClientAuthority.IdentityFrom.CN ? "alice" : "alice.example"),
                outcome.hubConnection().peerIdentity());
        assertEquals(Optional.empty(), outcome.clientConnection().peerIdentity());
        closeAll(outcome);
    }

    @Test
    void sanIdentityFallsBackToTheEmailAddress() throws Exception {
        Credentials ca = Loopback.authority("Clients CA");
        Path caFile = Loopback.write(dir, "ca", ca);
        Loopback.write(dir, "bob", Loopback.certificate("bob", List.of("bob@example.org"), ca, KeyType.RSA));
        Transport hub = Loopback.transport(dir, "certificate", "auto", "client-ca", caFile, "client-identity", "san");
        Transport client = Loopback.transport(dir, "certificate", "bob.crt", "private-key", "bob.key",
                "insecure-skip-verify", "true");
        Outcome outcome = Loopback.attempt(hub, client, "127.0.0.1");
        assertEquals(List.of("ok", "ok"), List.of(outcome.hub(), outcome.client()));
        assertEquals(Optional.of("bob@example.org"), outcome.hubConnection().peerIdentity());
        closeAll(outcome);
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"ED25519", "RSA"})
    void tls12WhenBothAllowIt(KeyType keyType) throws Exception {
        Credentials self = Loopback.certificate("hub", List.of("127.0.0.1"), null, keyType);
        Path hubFile = Loopback.write(dir, "hub", self);
        Transport hub = Loopback.transport(dir, "certificate", hubFile, "private-key", "hub.key",
                "versions", List.of("1.2", "1.3"));
        Transport client = Loopback.transport(dir, "pin", Certificates.fingerprint(self.leaf()), "versions", "1.2");
        Outcome outcome = Loopback.attempt(hub, client, "127.0.0.1");
        assertEquals(List.of("ok", "ok"), List.of(outcome.hub(), outcome.client()));
        Negotiated negotiated = ((TlsConnection) outcome.hubConnection()).negotiated();
        assertEquals("TLS 1.2", negotiated.version());
        assertEquals(keyType == KeyType.RSA ? "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
                : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", negotiated.cipherSuite());
        closeAll(outcome);
    }

    @Test
    void alpnPicksTheClientsFirstChoiceThatTheHubAccepts() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto", "alpn", List.of("http/1.1", "h2"));
        Transport client = Loopback.transport(dir, "insecure-skip-verify", "yes", "alpn", List.of("h2", "http/1.1"));
        Outcome outcome = Loopback.attempt(hub, client, "127.0.0.1");
        assertEquals(List.of("ok", "ok"), List.of(outcome.hub(), outcome.client()));
        assertEquals(Optional.of("h2"), ((TlsConnection) outcome.hubConnection()).negotiated().alpn());
        assertEquals(Optional.of("h2"), ((TlsConnection) outcome.clientConnection()).negotiated().alpn());
        closeAll(outcome);
    }

    @Test
    void aSilentClientDoesNotBlockAcceptingOthers() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        Transport client = Loopback.transport(dir, "insecure-skip-verify", "true");
        try (Listener listener = hub.listen(ANY_PORT);
                Socket silent = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort());
                var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Connection first = listener.accept(); // returns at once: the handshake waits for the first read or write
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
                try (Connection c = listener.accept()) {
                    Loopback.send(c, "hello");
                    return Loopback.receive(c, 4);
                } catch (IOException e) {
                    return e.getMessage();
                }
            }, threads);
            try (Connection dialed = client.dial(listener.localAddress(), TIMEOUT)) {
                assertEquals("hello", Loopback.receive(dialed, 5));
                Loopback.send(dialed, "ping");
            }
            assertEquals("ping", Loopback.await(second));
            assertTrue(silent.isConnected());
            first.close();
        }
    }

    @Test
    void closeFromAnotherThreadAbortsAPendingHubHandshake() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        try (Listener listener = hub.listen(ANY_PORT);
                Socket silent = new Socket(listener.localAddress().getAddress(), listener.localAddress().getPort())) {
            Connection accepted = listener.accept();
            CompletableFuture<String> read = new CompletableFuture<>();
            CompletableFuture<String> write = new CompletableFuture<>();
            Thread reader = Thread.ofVirtual().start(() -> read.complete(outcome(() -> "read "
                    + accepted.read(ByteBuffer.allocate(16)))));
            Thread writer = Thread.ofVirtual().start(() -> write.complete(outcome(() -> {
                Loopback.send(accepted, "x");
                return "written";
            })));
            Loopback.awaitParked(reader, writer); // one runs the handshake and waits for the client, the other for it
            accepted.close();
            assertEquals("tls: connection closed during the TLS handshake", Loopback.await(read));
            assertEquals("tls: connection closed during the TLS handshake", Loopback.await(write));
            assertEquals(-1, silent.getInputStream().read(), "the silent client sees the connection end");
        }
    }

    @Test
    void closeUnblocksAReaderAndThePeerSeesEndOfStream() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        Transport client = Loopback.transport(dir, "insecure-skip-verify", "true");
        Outcome outcome = Loopback.attempt(hub, client, "127.0.0.1");
        assertEquals(List.of("ok", "ok"), List.of(outcome.hub(), outcome.client()));
        CompletableFuture<String> read = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> read.complete(outcome(() -> "read "
                + outcome.hubConnection().read(ByteBuffer.allocate(16)))));
        Loopback.awaitParked(reader);
        outcome.hubConnection().close();
        assertEquals("tls: connection closed", Loopback.await(read));
        assertEquals(-1, outcome.clientConnection().read(ByteBuffer.allocate(16)), "end of stream, not an error");
        outcome.clientConnection().close();
    }

    private interface Call {
        String run() throws IOException;
    }

    /** The call's result, or its error message. */
    private static String outcome(Call call) {
        try {
            return call.run();
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static X509Certificate readLeaf(Path file) {
        try {
            return Certificates.readCertificates(file).getFirst();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void closeAll(Outcome outcome) throws IOException {
        if (outcome.hubConnection() != null) {
            outcome.hubConnection().close();
        }
        if (outcome.clientConnection() != null) {
            outcome.clientConnection().close();
        }
    }
}
