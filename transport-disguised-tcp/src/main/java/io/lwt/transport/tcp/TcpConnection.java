package io.lwt.transport.tcp;

import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** One TCP stream. Reads and writes may run on two threads at once; close from any thread unblocks both. */
final class TcpConnection implements Connection {

    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;

    TcpConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.local = (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        int end = offset + length;
        int first = offset;
        while (first < end) {
            channel.write(srcs, first, end - first); // one writev for the whole batch unless the socket is full
            while (first < end && !srcs[first].hasRemaining()) {
                first++;
            }
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "tcp " + local + " -> " + remote;
    }
}
