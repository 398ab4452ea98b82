package io.lwt.transport.tcp;

import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One TCP stream. Reads and writes may run on two threads at once; close from any thread unblocks both.
 *
 * <p>The channel is non-blocking, so that {@link #writeWithoutBlocking} can be one plain write; {@link #read} and
 * {@link #write} block by waiting on a selector of their own when the socket is not ready, which a virtual thread
 * does parked, as its blocking I/O would (JDK 25). When data flows, a read or write is the one system call it was
 * on a blocking channel; only an idle read adds the wait. Each direction opens its selector when it first waits.
 */
final class TcpConnection implements Connection {

    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final Waiter readable = new Waiter(SelectionKey.OP_READ);
    private final Waiter writable = new Waiter(SelectionKey.OP_WRITE);

    TcpConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.local = (InetSocketAddress) channel.getLocalAddress();
        channel.configureBlocking(false);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n;
        while ((n = channel.read(dst)) == 0 && dst.hasRemaining()) {
            readable.await();
        }
        return n;
    }

    @Override
    public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        int end = offset + length;
        int first = offset;
        while (first < end) {
            if (channel.write(srcs, first, end - first) == 0) { // one writev for the whole batch unless the socket is full
                writable.await();
            }
            while (first < end && !srcs[first].hasRemaining()) {
                first++;
            }
        }
    }

    @Override
    public long writeWithoutBlocking(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return channel.write(srcs, offset, length);
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
        try {
            channel.close();
        } finally {
            readable.close();
            writable.close();
        }
    }

    @Override
    public String toString() {
        return "tcp " + local + " -> " + remote;
    }

    /** Waits until the channel is ready for one kind of operation; one thread at a time, closed from any. */
    private final class Waiter {
        private final int operation;
        private Selector selector; // opened by the waiting thread; guarded by this

        Waiter(int operation) {
            this.operation = operation;
        }

        void await() throws IOException {
            Selector s;
            synchronized (this) {
                if (selector == null) {
                    if (!channel.isOpen()) {
                        throw new ClosedChannelException();
                    }
                    selector = Selector.open();
                    channel.register(selector, operation);
                }
                s = selector;
            }
            try {
                s.select(); // returns at readiness, at close (the selector's closing wakes it) or at an interrupt
                s.selectedKeys().clear();
            } catch (ClosedSelectorException e) {
                throw new ClosedChannelException(); // closed by another thread
            }
            if (Thread.currentThread().isInterrupted()) {
                channel.close(); // as an interrupt does to a blocking channel's I/O
                throw new ClosedByInterruptException();
            }
            if (!channel.isOpen()) {
                throw new ClosedChannelException();
            }
        }

        synchronized void close() throws IOException {
            if (selector != null) {
                selector.close();
            }
            selector = null;
        }
    }
}
