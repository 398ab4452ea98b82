package io.lwt.transport.tls;

import static io.lwt.transport.tls.Loopback.ANY_PORT;
import static io.lwt.transport.tls.Loopback.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.cert.Credentials;
import io.lwt.cert.KeyType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub's {@code client-crl} read anew, when the file changes and on {@link Listener#refresh()}: it ends the live
 * connections it now revokes and no other, new handshakes use it, a bad file keeps the CRL before, and an expired CRL
 * is enforced as it is, with a warning.
 */
class TlsRevocationTest {

    /** Short, so that a test waits for the poll a few milliseconds; users get {@link TlsTransport#CRL_POLL}. */
    private static final Duration FAST_POLL = Duration.ofMillis(20);

    @TempDir
    Path dir;

    private final Credentials ca = Loopback.authority("Test CA");
    private final Credentials alice = Loopback.certificate("alice", List.of(), ca, KeyType.EC);
    private final Credentials bob = Loopback.certificate("bob", List.of(), ca, KeyType.EC);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Logger logger = Logger.getLogger("io.lwt.transport.tls");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String line = record.getLevel() + " " + java.text.MessageFormat.format(record.getMessage(),
                    record.getParameters());
            if (line.contains("client-crl")) { // not the clients' insecure-skip-verify warnings
                lines.add(line);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Path crlFile;

    @BeforeEach
    void setUp() throws IOException {
        Loopback.write(dir, "alice", alice);
        Loopback.write(dir, "bob", bob);
        crlFile = dir.resolve("clients.crl");
        logger.addHandler(capture);
        logger.setLevel(Level.ALL);
    }

    @AfterEach
    void tearDown() {
        logger.removeHandler(capture);
        threads.shutdownNow();
    }

    @Test
    void aCrlFileReplacedByARenameEndsTheConnectionItRevokesAndNoOther() throws Exception {
        writeCrl(Loopback.crl(ca, Instant.now(), Instant.now().plus(Duration.ofDays(7))));
        try (Listener listener = listen(FAST_POLL)) {
            Joined a = join(listener, "alice");
            Joined b = join(listener, "bob");
            CompletableFuture<String> aliceAtHub = reading(a.atHub());
            CompletableFuture<String> bobAtHub = reading(b.atHub());

            replaceCrl(Loopback.pem(Loopback.crl(ca, Instant.now(), Instant.now().plus(Duration.ofDays(7)),
                    serial(alice))));

            assertEquals(revoked(alice), Loopback.await(aliceAtHub), "the hub's read of alice names the revocation");
            Loopback.send(b.atClient(), "ping");
            assertEquals("ping", Loopback.await(bobAtHub), "bob's connection stays up");
            String read = "INFO client-crl " + crlFile + " read again: 1 revoked certificate; 1 connection ended";
            awaitCondition("the line on the new CRL", () -> lines.contains(read)); // logged after it ended alice's
            assertEquals(List.of(read), lines);
            assertEquals(revoked(alice), handshake(listener, "alice"), "a new handshake uses the new CRL");
            assertEquals("ok", handshake(listener, "bob"));
        }
    }

    @Test
    void refreshReadsTheCrlAtOnceWithoutWaitingForThePoll() throws Exception {
        writeCrl(Loopback.crl(ca, Instant.now(), Instant.now().plus(Duration.ofDays(7))));
        try (Listener listener = listen(Duration.ofHours(1))) {
            Joined b = join(listener, "bob");
            CompletableFuture<String> bobAtHub = reading(b.atHub());
            writeCrl(Loopback.crl(ca, Instant.now(), Instant.now().plus(Duration.ofDays(7)), serial(bob)));

            listener.refresh();

            assertEquals(revoked(bob), Loopback.await(bobAtHub));
            assertEquals(revoked(bob), handshake(listener, "bob"));
        }
    }

    @Test
    void aCrlFileThatCannotBeReadKeepsTheCrlBeforeWithOneLine() throws Exception {
        writeCrl(Loopback.crl(ca, Instant.now(), Instant.now().plus(Duration.ofDays(7)), serial(alice)));
        try (Listener listener = listen(FAST_POLL)) {
            Joined b = join(listener, "bob");
            CompletableFuture<String> bobAtHub = reading(b.atHub());

            replaceCrl("-----BEGIN X509 CRL-----\nnot base64 at all\n-----END X509 CRL-----\n");
            awaitCondition("the poll's line on the garbage file", () -> lines.stream().anyMatch(l -> l.startsWith(
                    "WARNING client-crl " + crlFile + ": not a PEM or DER CRL file: ")));
            IOException refused = assertThrows(IOException.class, listener::refresh);
            assertTrue(refused.getMessage().startsWith("client-crl " + crlFile + ": not a PEM or DER CRL file: ")
                    && refused.getMessage().endsWith("; the CRL read before stays in force"), refused.getMessage());

            assertFalse(bobAtHub.isDone(), "bob's connection stays up");
            assertEquals(revoked(alice), handshake(listener, "alice"), "the CRL before is still in force");
            Loopback.send(b.atClient(), "ping");
            assertEquals("ping", Loopback.await(bobAtHub));
            assertEquals(1, lines.stream().filter(l -> l.startsWith("WARNING")).count(),
                    "one line however often the unchanged bad file is polled: " + lines);
        }
    }

    /** As OpenVPN's crl-verify, not as nginx's ssl_crl: an expired CRL still revokes what it lists, and only that. */
    @Test
    void anExpiredCrlIsEnforcedAsItIsWithOneWarning() throws Exception {
        Instant issued = Instant.parse("2025-01-01T00:00:00Z");
        Instant expired = Instant.parse("2025-02-01T00:00:00Z");
        writeCrl(Loopback.crl(ca, issued, expired, serial(alice)));
        try (Listener listener = listen(FAST_POLL)) {
            assertEquals(revoked(alice), handshake(listener, "alice"));
            assertEquals("ok", handshake(listener, "bob"), "not refused for the CRL's age");
            assertEquals(List.of("WARNING client-crl " + crlFile + ": the CRL of CN=Test CA expired on " + expired
                    + " (its nextUpdate); its revocations still apply, and no certificate revoked since is in it:"
                    + " issue a new CRL"), lines);
        }
    }

    @Test
    void aCrlWithoutNextUpdateIsEnforcedWithoutWarning() throws Exception {
        writeCrl(Loopback.crl(ca, Instant.now(), null, serial(alice)));
        try (Listener listener = listen(FAST_POLL)) {
            assertEquals(revoked(alice), handshake(listener, "alice"));
            assertEquals("ok", handshake(listener, "bob"));
            assertEquals(List.of(), lines);
        }
    }

    @Test
    void aCrlThatExpiresWhileInForceWarnsOnce() throws Exception {
        Instant nextUpdate = Instant.now().plusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        writeCrl(Loopback.crl(ca, Instant.now(), nextUpdate));
        try (Listener listener = listen(FAST_POLL)) {
            assertEquals(List.of(), lines, "not expired yet");
            awaitCondition("the warning once the nextUpdate passed", () -> !lines.isEmpty());
            assertTrue(lines.getFirst().startsWith("WARNING client-crl " + crlFile + ": the CRL of CN=Test CA expired on "
                    + nextUpdate), lines.toString());
            assertEquals("ok", handshake(listener, "bob"));
            assertEquals(1, lines.size(), lines.toString());
        }
    }

    private record Joined(Connection atHub, Connection atClient) {}

    private Listener listen(Duration crlPoll) throws IOException {
        Path certificate = Loopback.write(dir, "hub", Loopback.certificate("hub", List.of(), ca, KeyType.EC));
        TlsTransport hub = (TlsTransport) Loopback.transport(dir, "certificate", certificate, "private-key",
                dir.resolve("hub.key"), "client-ca", Loopback.write(dir, "ca", ca), "client-crl", crlFile);
        return hub.listen(ANY_PORT, crlPoll);
    }

    /** A client with its certificate, connected: the hub's greeting ran its handshake, client certificate checked. */
    private Joined join(Listener listener, String name) throws Exception {
        CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                Connection connection = listener.accept();
                Loopback.send(connection, "hello");
                return connection;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, threads);
        Connection dialed = client(name).dial(listener.localAddress(), TIMEOUT);
        assertEquals("hello", Loopback.receive(dialed, 5));
        return new Joined(Loopback.await(accepted), dialed);
    }

    /** A new connection of that client: "ok", or what the hub's side failed with. */
    private String handshake(Listener listener, String name) throws Exception {
        CompletableFuture<String> hubSide = CompletableFuture.supplyAsync(() -> {
            try (Connection connection = listener.accept()) {
                Loopback.send(connection, "hello");
                return Loopback.receive(connection, 4).equals("ping") ? "ok" : "no ping";
            } catch (IOException e) {
                return e.getMessage();
            }
        }, threads);
        try (Connection dialed = client(name).dial(listener.localAddress(), TIMEOUT)) {
            if (Loopback.receive(dialed, 5).equals("hello")) {
                Loopback.send(dialed, "ping");
            }
        } catch (IOException e) {
            // refused: the hub's side says why
        }
        return Loopback.await(hubSide);
    }

    private io.lwt.api.transport.Transport client(String name) {
        return Loopback.transport(dir, "certificate", name + ".crt", "private-key", name + ".key",
                "insecure-skip-verify", "true");
    }

    /** What the hub reads from this connection (4 bytes), or the message its read failed with. */
    private CompletableFuture<String> reading(Connection atHub) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Loopback.receive(atHub, 4);
            } catch (IOException e) {
                return e.getMessage();
            }
        }, threads);
    }

    private String revoked(Credentials client) {
        return "tls: the client's certificate (" + client.leaf().getSubjectX500Principal().getName()
                + "), serial " + serial(client).toString(16) + ", is revoked by client-crl " + crlFile;
    }

    private static BigInteger serial(Credentials client) {
        return client.leaf().getSerialNumber();
    }

    private void writeCrl(java.security.cert.X509CRL crl) throws IOException {
        Files.writeString(crlFile, Loopback.pem(crl));
    }

    /** As an editor or {@code mv} does: a new file renamed over the old one, which a poll never sees half-written. */
    private void replaceCrl(String content) throws IOException {
        Path next = dir.resolve("clients.crl.new");
        Files.writeString(next, content);
        Files.move(next, crlFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void awaitCondition(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + TIMEOUT);
            }
            Thread.sleep(10);
        }
    }
}
