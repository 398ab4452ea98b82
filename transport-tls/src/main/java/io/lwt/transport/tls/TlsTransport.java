package io.lwt.transport.tls;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import io.lwt.cert.Credentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;

/** TCP with TLS. java.net sockets park virtual threads and take a read timeout, which bounds the client handshake. */
final class TlsTransport implements Transport {

    /** How often a hub looks whether its {@code client-crl} file changed: a stat call, nothing read unless it did. */
    static final Duration CRL_POLL = Duration.ofSeconds(5);

    private final TlsSettings settings;
    private final JdkTlsCrypto crypto = new JdkTlsCrypto(new SecureRandom());

    TlsTransport(TlsSettings settings) {
        this.settings = settings;
    }

    @Override
    public Listener listen(InetSocketAddress local) throws IOException {
        return listen(local, CRL_POLL);
    }

    /** As {@link #listen(InetSocketAddress)}, polling {@code client-crl} every {@code crlPoll} (tests wait less). */
    Listener listen(InetSocketAddress local, Duration crlPoll) throws IOException {
        Credentials credentials = settings.credentials().orElseThrow(() -> new IOException(
                "tls: cannot listen on " + local + " without a certificate: set certificate (auto or a PEM file)"));
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            if (settings.receiveBuffer() > 0) {
                server.setReceiveBufferSize(settings.receiveBuffer()); // before bind: inherited by accepted sockets
            }
            server.bind(local, 128);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return new TlsListener(server, crypto, settings, credentials, crlPoll);
    }

    /** Connects and runs the whole TLS handshake within {@code timeout}. */
    @Override
    public Connection dial(InetSocketAddress remote, Duration timeout) throws IOException {
        ServerVerifier verifier = settings.verifier().orElseThrow(() -> new IOException("tls: cannot dial "
                + remote.getHostString() + ":" + remote.getPort()
                + " without a way to verify the hub: set pin, ca, trust or insecure-skip-verify"));
        long deadline = System.nanoTime() + timeout.toNanos();
        InetSocketAddress target = Transport.resolve(remote);
        String expectedName = settings.serverName().orElse(remote.getHostString());
        Socket socket = new Socket();
        try {
            settings.configure(socket);
            socket.connect(target, Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE));
            return TlsConnection.dialed(socket, new ClientPeer(crypto, settings, verifier, expectedName), deadline);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public boolean encrypts() {
        return true;
    }

    @Override
    public String toString() {
        return "tls";
    }
}
