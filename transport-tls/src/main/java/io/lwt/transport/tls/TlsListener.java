package io.lwt.transport.tls;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.cert.Credentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * Accepts TCP connections and returns at once: each TLS handshake runs later, on that connection's own threads. With
 * {@code client-crl}, a thread of its own polls the CRL file and its {@link ClientTrust} ends the connections a changed
 * CRL revokes; {@link #refresh()} (a hub's reload) reads the file at once.
 */
final class TlsListener implements Listener {

    private final ServerSocket server;
    private final JdkTlsCrypto crypto;
    private final TlsSettings settings;
    private final Credentials credentials;
    private final InetSocketAddress local;
    private final ClientTrust clients;
    private final Thread watcher;

    TlsListener(ServerSocket server, JdkTlsCrypto crypto, TlsSettings settings, Credentials credentials,
            Duration crlPoll) {
        this.server = server;
        this.crypto = crypto;
        this.settings = settings;
        this.credentials = credentials;
        this.local = (InetSocketAddress) server.getLocalSocketAddress();
        this.clients = new ClientTrust(settings.clientAuthority());
        this.watcher = clients.rereads()
                ? Thread.ofVirtual().name("lwt-tls-crl").start(() -> clients.watch(crlPoll)) : null;
    }

    @Override
    public Connection accept() throws IOException {
        Socket socket = server.accept();
        try {
            settings.configure(socket);
            return TlsConnection.accepted(socket, crypto, settings, credentials, clients);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    /** Reads {@code client-crl} again, if set: see {@link ClientTrust#reread()}. */
    @Override
    public void refresh() throws IOException {
        if (clients.rereads()) {
            clients.reread();
        }
    }

    @Override
    public void close() throws IOException {
        if (watcher != null) {
            watcher.interrupt();
        }
        server.close();
    }
}
