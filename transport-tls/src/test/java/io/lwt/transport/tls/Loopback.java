package io.lwt.transport.tls;

import io.lwt.api.Config;
import io.lwt.api.ConfigValue;
import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import io.lwt.cert.Certificates;
import io.lwt.cert.Credentials;
import io.lwt.cert.KeyType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds {@code tls} transports from YAML-like sections and runs a hub and a client over loopback. */
final class Loopback {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private Loopback() {}

    /** A section located in {@code dir/lwt.yaml}; values are strings or lists of strings. */
    static Config config(Path dir, Object... keysAndValues) {
        Config.Location at = new Config.Location(dir.resolve("lwt.yaml").toString(), 3, 7);
        Config.Builder builder = Config.builder("nodes.n.transport.tls", at);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String key = (String) keysAndValues[i];
            Object value = keysAndValues[i + 1];
            if (value instanceof List<?> list) {
                builder.put(key, new ConfigValue.Sequence(list.stream()
                        .map(v -> (ConfigValue) new ConfigValue.Scalar(String.valueOf(v), at)).toList(), at));
            } else {
                builder.put(key, String.valueOf(value));
            }
        }
        return builder.build();
    }

    static Transport transport(Path dir, Object... keysAndValues) {
        return new TlsTransportProvider().create(config(dir, keysAndValues));
    }

    /** A certificate valid from a day ago to a day ahead, issued by {@code issuer} (null: self-signed). */
    static Credentials certificate(String commonName, List<String> names, Credentials issuer, KeyType type) {
        Instant now = Instant.now();
        return Certificates.create(commonName, names, Certificates.generateKeyPair(type), issuer,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), false);
    }

    static Credentials authority(String commonName) {
        Instant now = Instant.now();
        return Certificates.create(commonName, List.of(), Certificates.generateKeyPair(KeyType.EC), null,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), true);
    }

    /** Writes {@code credentials} as {@code dir/name.crt} and {@code dir/name.key}; returns the certificate file. */
    static Path write(Path dir, String name, Credentials credentials) throws IOException {
        Certificates.write(credentials, dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        return dir.resolve(name + ".crt");
    }

    /**
     * A CRL of {@code ca} (an EC authority, as {@link #authority} makes) revoking {@code revoked} since
     * {@code thisUpdate}; {@code nextUpdate} may be null.
     */
    static X509CRL crl(Credentials ca, Instant thisUpdate, Instant nextUpdate, BigInteger... revoked) {
        X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca.leaf(), Date.from(thisUpdate));
        if (nextUpdate != null) {
            builder.setNextUpdate(Date.from(nextUpdate));
        }
        for (BigInteger serial : revoked) {
            builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
        }
        try {
            return new JcaX509CRLConverter().getCRL(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRL as a PEM file would hold it. */
    static String pem(X509CRL crl) throws IOException {
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(crl);
        }
        return pem.toString();
    }

    /**
     * One connection attempt: the hub accepts, writes "hello" (which runs its handshake) and reads "ping"; the
     * client dials {@code host}, reads "hello" and writes "ping". Each side's outcome is "ok", or its error message.
     */
    record Outcome(String hub, String client, Connection hubConnection, Connection clientConnection) {}

    static Outcome attempt(Transport hub, Transport client, String host) throws Exception {
        try (Listener listener = hub.listen(ANY_PORT); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Connection> accepted = new CompletableFuture<>();
            CompletableFuture<String> hubSide = CompletableFuture.supplyAsync(() -> {
                try {
                    Connection connection = listener.accept();
                    accepted.complete(connection);
                    send(connection, "hello");
                    String answer = receive(connection, 4);
                    return answer.equals("ping") ? "ok" : "got " + answer;
                } catch (IOException e) {
                    return e.getMessage();
                }
            }, threads);
            String clientSide;
            Connection dialed = null;
            try {
                dialed = client.dial(new InetSocketAddress(host, listener.localAddress().getPort()), TIMEOUT);
                String greeting = receive(dialed, 5);
                send(dialed, "ping");
                clientSide = greeting.equals("hello") ? "ok" : "got " + greeting;
            } catch (IOException e) {
                clientSide = e.getMessage();
            }
            String hubResult = hubSide.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new Outcome(hubResult, clientSide, accepted.getNow(null), dialed);
        }
    }

    static void send(Connection connection, String text) throws IOException {
        connection.write(new ByteBuffer[] {ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII))}, 0, 1);
    }

    /** Reads exactly {@code length} bytes, or fewer if the stream ends. */
    static String receive(Connection connection, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining() && connection.read(buffer) >= 0) {
            // keep reading
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
    }

    /** Waits until every thread is parked (blocked in a read, or waiting for a lock), at most {@link #TIMEOUT}. */
    static void awaitParked(Thread... threads) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (Thread thread : threads) {
            while (thread.getState() != Thread.State.WAITING) {
                if (System.nanoTime() > deadline || !thread.isAlive()) {
                    throw new AssertionError(thread + " did not block: " + thread.getState());
                }
                Thread.sleep(5);
            }
        }
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("not done within " + TIMEOUT, e);
        }
    }
}
