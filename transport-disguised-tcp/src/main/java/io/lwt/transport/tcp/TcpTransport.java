package io.lwt.transport.tcp;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.SocketBuffers;
import io.lwt.api.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** Plain TCP with NIO channels, which park rather than pin virtual threads. */
final class TcpTransport implements Transport {

    private final SocketBuffers buffers;
    private final int unsentLimit;

    /** A transport with these socket buffers and TCP_NOTSENT_LOWAT of {@code unsentLimit}, 0 for the system's. */
    TcpTransport(SocketBuffers buffers, int unsentLimit) {
        this.buffers = buffers;
        this.unsentLimit = unsentLimit;
    }

    @Override
    public Listener listen(InetSocketAddress local) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (buffers.receive() > 0) {
                server.setOption(StandardSocketOptions.SO_RCVBUF, buffers.receive()); // inherited by accepted
            }
            server.bind(local, 128);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return new TcpListener(server, this);
    }

    @Override
    public Connection dial(InetSocketAddress remote, Duration timeout) throws IOException {
        InetSocketAddress target = Transport.resolve(remote);
        SocketChannel channel = SocketChannel.open();
        try {
            configure(channel);
            channel.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new TcpConnection(channel);
    }

    void configure(SocketChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (buffers.send() > 0) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, buffers.send());
        }
        if (buffers.receive() > 0) {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, buffers.receive());
        }
        if (unsentLimit > 0) {
            UnsentLimit.set(channel, unsentLimit);
        }
    }

    @Override
    public String toString() {
        return "tcp";
    }
}
