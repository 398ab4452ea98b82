package io.lwt.transport.tcp;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

final class TcpListener implements Listener {

    private final ServerSocketChannel server;
    private final TcpTransport transport;
    private final InetSocketAddress local;

    TcpListener(ServerSocketChannel server, TcpTransport transport) throws IOException {
        this.server = server;
        this.transport = transport;
        this.local = (InetSocketAddress) server.getLocalAddress();
    }

    @Override
    public Connection accept() throws IOException {
        SocketChannel channel = server.accept();
        try {
            transport.configure(channel);
            return new TcpConnection(channel);
        } catch (IOException | UncheckedIOException e) {
            channel.close();
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
