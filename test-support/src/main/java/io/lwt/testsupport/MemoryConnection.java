package io.lwt.testsupport;

import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of an in-memory connection: two ends made by {@link #pair()} are joined by bounded byte pipes, one per
 * direction, with the blocking semantics of a socket and no socket. A read returns what is buffered, up to the
 * buffer's space, so several writes of the peer arrive coalesced; closing an end makes its own blocked calls throw,
 * gives the peer end of stream after the buffered bytes, and makes the peer's writes fail.
 */
public final class MemoryConnection implements Connection {

    /** The dialing end and the accepting end of one connection. */
    public record Pair(MemoryConnection client, MemoryConnection server) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.close();
        }
    }

    /** Bytes buffered per direction before a writer blocks. */
    static final int PIPE_CAPACITY = 256 * 1024;

    private final Pipe in;
    private final Pipe out;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;

    private MemoryConnection(Pipe in, Pipe out, InetSocketAddress local, InetSocketAddress remote) {
        this.in = in;
        this.out = out;
        this.local = local;
        this.remote = remote;
    }

    /** A connected pair; the client end's remote address is {@code server:9000}, as if dialed by that name. */
    public static Pair pair() {
        Pipe toServer = new Pipe();
        Pipe toClient = new Pipe();
        InetSocketAddress client = InetSocketAddress.createUnresolved("client", 40000);
        InetSocketAddress server = InetSocketAddress.createUnresolved("server", 9000);
        return new Pair(new MemoryConnection(toClient, toServer, client, server),
                new MemoryConnection(toServer, toClient, server, client));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return in.read(dst);
    }

    @Override
    public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            out.write(srcs[i]);
        }
    }

    /** Writes what the pipe has room for now, as a non-blocking socket does. */
    @Override
    public long writeWithoutBlocking(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long written = 0;
        for (int i = offset; i < offset + length; i++) {
            written += out.writeSome(srcs[i], false);
            if (srcs[i].hasRemaining()) {
                break;
            }
        }
        return written;
    }

    /** Writes bytes as they are, e.g. garbage in place of a peer's frames. */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(ByteBuffer.wrap(bytes));
    }

    /** Makes reads of this end wait, even with bytes buffered, until {@link #releaseReads()}: bytes pile up. */
    public void holdReads() {
        in.hold(true);
    }

    public void releaseReads() {
        in.hold(false);
    }

    /** Whether this end's reader is blocked in {@link #read}, for want of bytes or held. */
    public boolean isBlockedInRead() {
        return in.readerBlocked();
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
    public void close() {
        in.closeReader();
        out.closeWriter();
    }

    @Override
    public String toString() {
        return "memory " + local + " -> " + remote;
    }

    /** A bounded ring of bytes from one writer thread to one reader thread. */
    private static final class Pipe {
        private final byte[] ring = new byte[PIPE_CAPACITY];
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private int head;
        private int size;
        private boolean held;
        private boolean readerClosed;
        private boolean writerClosed;
        private boolean readerBlocked;

        int read(ByteBuffer dst) throws IOException {
            lock.lock();
            try {
                while (true) {
                    if (readerClosed) {
                        throw new IOException("connection closed");
                    }
                    if (!held && size > 0) {
                        break;
                    }
                    if (!held && writerClosed) {
                        return -1;
                    }
                    readerBlocked = true;
                    awaitChange();
                }
                int n = Math.min(size, dst.remaining());
                int first = Math.min(n, ring.length - head);
                dst.put(ring, head, first).put(ring, 0, n - first);
                head = (head + n) % ring.length;
                size -= n;
                changed.signalAll();
                return n;
            } finally {
                readerBlocked = false;
                lock.unlock();
            }
        }

        void write(ByteBuffer src) throws IOException {
            writeSome(src, true);
        }

        /** Writes what fits, waiting for room only when {@code blocking}; returns the bytes written. */
        long writeSome(ByteBuffer src, boolean blocking) throws IOException {
            long written = 0;
            lock.lock();
            try {
                while (src.hasRemaining()) {
                    if (writerClosed) {
                        throw new IOException("connection closed");
                    }
                    if (readerClosed) {
                        throw new IOException("connection closed by the peer");
                    }
                    if (size == ring.length) {
                        if (!blocking) {
                            break;
                        }
                        awaitChange();
                        continue;
                    }
                    int n = Math.min(ring.length - size, src.remaining());
                    int tail = (head + size) % ring.length;
                    int first = Math.min(n, ring.length - tail);
                    src.get(ring, tail, first).get(ring, 0, n - first);
                    size += n;
                    written += n;
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
            return written;
        }

        private void awaitChange() throws IOException {
            try {
                changed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }

        void hold(boolean value) {
            signalAfter(() -> held = value);
        }

        boolean readerBlocked() {
            lock.lock();
            try {
                return readerBlocked;
            } finally {
                lock.unlock();
            }
        }

        void closeReader() {
            signalAfter(() -> readerClosed = true);
        }

        void closeWriter() {
            signalAfter(() -> writerClosed = true);
        }

        private void signalAfter(Runnable change) {
            lock.lock();
            try {
                change.run();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
