package io.lwt.transport.tls;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.cert.Credentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Accepts TCP connections and returns at once: each TLS handshake runs later, on that connection's own threads. */
final class TlsListener implements Listener {

    private final ServerSocket server;
    private final JdkTlsCrypto crypto;
    private final TlsSettings settings;
    private final Credentials credentials;
    private final InetSocketAddress local;

    TlsListener(ServerSocket server, JdkTlsCrypto crypto, TlsSettings settings, Credentials credentials) {
        this.server = server;
        this.crypto = crypto;
        this.settings = settings;
        this.credentials = credentials;
        this.local = (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public Connection accept() throws IOException {
        Socket socket = server.accept();
        try {
            settings.configure(socket);
            return TlsConnection.accepted(socket, crypto, settings, credentials);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
