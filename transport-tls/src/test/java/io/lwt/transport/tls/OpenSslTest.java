package io.lwt.transport.tls;

import static io.lwt.transport.tls.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import io.lwt.cert.Certificates;
import io.lwt.cert.Credentials;
import io.lwt.cert.KeyType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TLS implementation nobody here wrote, on loopback: openssl s_client against our hub, our client against s_server. */
class OpenSslTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @BeforeAll
    static void opensslIsInstalled() {
        boolean installed;
        try {
            Process version = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            installed = version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            installed = false;
        }
        assumeTrue(installed, "openssl is not installed (apt-get install openssl)");
    }

    /** What s_client printed, and what our hub saw. */
    private record Session(String openssl, Negotiated hub) {}

    /** s_client sends "ping", our hub answers "pong"; then s_client's input ends and it says goodbye. */
    private Session sClientAgainstOurHub(Transport hub, String... options) throws Exception {
        try (Listener listener = hub.listen(ANY_PORT); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Negotiated> hubSide = CompletableFuture.supplyAsync(() -> {
                try (Connection connection = listener.accept()) {
                    String request = Loopback.receive(connection, 5);
                    assertEquals("ping\n", request);
                    Loopback.send(connection, "pong\n");
                    return ((TlsConnection) connection).negotiated();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, threads);
            List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                    "127.0.0.1:" + listener.localAddress().getPort()));
            command.addAll(List.of(options));
            try (OpenSsl client = OpenSsl.start(command, threads)) {
                client.input().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                client.input().flush();
                Negotiated negotiated = Loopback.await(hubSide);
                client.awaitOutput("pong");
                client.input().close();
                return new Session(client.finish(), negotiated);
            }
        }
    }

    @Test
    void sClientNegotiatesTls13WithAesGcmAndAlpn() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto", "alpn", List.of("h2", "http/1.1"));
        Session session = sClientAgainstOurHub(hub, "-alpn", "h2", "-servername", "hub.example");
        assertTrue(session.openssl().contains("New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"), session.openssl());
        assertTrue(session.openssl().contains("ALPN protocol: h2"), session.openssl());
        assertEquals("TLS 1.3 TLS_AES_256_GCM_SHA384 alpn h2", session.hub().toString());
        assertEquals(32, session.hub().exporter().length, "the exporter the session handshake binds itself to");
    }

    @Test
    void sClientNegotiatesChaCha20Poly1305FromTheJdk() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        Session session = sClientAgainstOurHub(hub, "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256");
        assertTrue(session.openssl().contains("New, TLSv1.3, Cipher is TLS_CHACHA20_POLY1305_SHA256"),
                session.openssl());
        assertEquals("TLS_CHACHA20_POLY1305_SHA256", session.hub().cipherSuite());
    }

    @Test
    void sClientNegotiatesTls12WhenTheHubAllowsIt() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto", "versions", List.of("1.2", "1.3"));
        Session session = sClientAgainstOurHub(hub, "-tls1_2");
        assertTrue(session.openssl().contains("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384"),
                session.openssl());
        assertEquals("TLS 1.2", session.hub().version());
    }

    @Test
    void sClientWithACertificateGetsItsIdentityAtAMutualTlsHub() throws Exception {
        Credentials ca = Loopback.authority("Clients CA");
        Loopback.write(dir, "carol", Loopback.certificate("carol", List.of("carol.example"), ca, KeyType.RSA));
        Transport hub = Loopback.transport(dir, "certificate", "auto", "client-ca", Loopback.write(dir, "ca", ca));
        Session session = sClientAgainstOurHub(hub, "-cert", dir.resolve("carol.crt").toString(),
                "-key", dir.resolve("carol.key").toString());
        assertEquals(Optional.of("carol"), session.hub().peerIdentity());
    }

    @Test
    void ourClientNegotiatesChaCha20Poly1305WithSServer() throws Exception {
        Credentials server = Loopback.certificate("server", List.of("127.0.0.1"), null, KeyType.EC);
        Path certificate = Loopback.write(dir, "server", server);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, ANY_PORT.getAddress())) {
            port = probe.getLocalPort();
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
                OpenSsl openssl = OpenSsl.start(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
                    "-cert", certificate.toString(), "-key", dir.resolve("server.key").toString(), "-naccept", "1",
                    "-alpn", "h2", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"), threads)) {
            openssl.awaitOutput("ACCEPT");
            Transport client = Loopback.transport(dir, "pin", Certificates.fingerprint(server.leaf()), "alpn", "h2");
            try (Connection connection = client.dial(new java.net.InetSocketAddress("127.0.0.1", port),
                    Loopback.TIMEOUT)) {
                Negotiated negotiated = ((TlsConnection) connection).negotiated();
                assertEquals("TLS 1.3 TLS_CHACHA20_POLY1305_SHA256 alpn h2", negotiated.toString());
                Loopback.send(connection, "ping\n");
                openssl.awaitOutput("ping");
                openssl.input().write("pong\n".getBytes(StandardCharsets.US_ASCII));
                openssl.input().flush();
                assertEquals("pong\n", Loopback.receive(connection, 5));
            }
            openssl.input().close();
            String output = openssl.finish();
            assertTrue(output.contains("CIPHER is TLS_CHACHA20_POLY1305_SHA256"), output);
            assertTrue(output.contains("ALPN protocols selected: h2"), output);
        }
    }

    /** An openssl process whose output is collected as it comes; killed if it outlives {@link #LIMIT} or the test. */
    private record OpenSsl(Process process, ByteArrayOutputStream output, CompletableFuture<Void> reader)
            implements AutoCloseable {

        @Override
        public void close() {
            process.destroyForcibly();
        }

        static OpenSsl start(List<String> command, ExecutorService threads) throws IOException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                byte[] buffer = new byte[4096];
                try (var in = process.getInputStream()) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        synchronized (output) {
                            output.write(buffer, 0, n);
                            output.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
            }, threads);
            return new OpenSsl(process, output, reader);
        }

        OutputStream input() {
            return process.getOutputStream();
        }

        void awaitOutput(String text) throws InterruptedException {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            synchronized (output) {
                while (!output.toString(StandardCharsets.UTF_8).contains(text)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive() && reader.isDone()) {
                        throw new AssertionError("openssl did not print '" + text + "':\n" + output);
                    }
                    output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
        }

        String finish() throws Exception {
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("openssl did not exit within " + LIMIT + ":\n" + output);
            }
            reader.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            synchronized (output) {
                return output.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
