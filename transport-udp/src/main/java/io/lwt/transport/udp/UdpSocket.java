package io.lwt.transport.udp;

import io.lwt.api.transport.SocketBuffers;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import sun.nio.ch.SelChImpl;

/**
 * A non-blocking UDP socket: the JDK's {@link DatagramChannel} makes, binds and closes it, and waits for it with a
 * {@link Selector} (which parks a virtual thread rather than pinning it); datagrams go in batches through
 * {@link Native#sendmmsg} and {@link Native#recvmmsg} on its file descriptor.
 *
 * <p>Segmentation offload (UDP_SEGMENT, "GSO") lets one send carry many equal datagrams that the kernel, or the
 * device, cuts; receive offload (UDP_GRO) hands many datagrams of one sender in one buffer. Both are asked for when
 * {@code offload} is on; a kernel that refuses GSO at a send (EIO, when a device cannot checksum) turns it off for
 * the socket, with one line.
 *
 * <p>Native calls and {@link #close} may come from any thread: a call in flight keeps the descriptor open until it
 * returns, so a descriptor number is never used after the kernel could have given it to another file.
 */
final class UdpSocket implements Closeable {

    private static final System.Logger LOG = System.getLogger(UdpSocket.class.getName());
    private static final int CLOSED = 1 << 30;
    /** The socket buffers unless configured: UDP's are not autotuned, and the system's 208 KiB drops bursts. */
    static final int DEFAULT_BUFFER = 4 << 20;

    private final DatagramChannel channel;
    private final int fd;
    private final int family;
    private final InetSocketAddress local;
    private final boolean receiveOffload;
    private volatile boolean segmentation;
    /** Native calls in flight, and {@link #CLOSED} once closing. */
    private final AtomicInteger inUse = new AtomicInteger();
    private final List<Readiness> waiters = new CopyOnWriteArrayList<>();

    private UdpSocket(DatagramChannel channel, int family, boolean offload) throws IOException {
        this.channel = channel;
        this.fd = ((SelChImpl) channel).getFDVal();
        this.family = family;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        channel.configureBlocking(false);
        this.segmentation = offload;
        this.receiveOffload = offload && Native.setsockopt(fd, Native.SOL_UDP, Native.UDP_GRO, 1) == 0;
    }

    /**
     * A socket bound to {@code address}, of its family: a wildcard IPv6 address takes IPv4 peers too.
     *
     * @param buffers the socket buffer sizes
     */
    static UdpSocket bind(InetSocketAddress address, SocketBuffers buffers, boolean offload) throws IOException {
        boolean ipv4 = address.getAddress() instanceof Inet4Address;
        DatagramChannel channel = DatagramChannel.open(ipv4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            channel.bind(address);
            UdpSocket socket = new UdpSocket(channel, ipv4 ? Native.AF_INET : Native.AF_INET6, offload);
            socket.buffer(Native.SO_SNDBUFFORCE, Native.SO_SNDBUF, buffers.send());
            socket.buffer(Native.SO_RCVBUFFORCE, Native.SO_RCVBUF, buffers.receive());
            return socket;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Beyond net.core's maximum where the process may (CAP_NET_ADMIN), else up to it. */
    private void buffer(int forced, int option, int bytes) throws IOException {
        if (Native.setsockopt(fd, Native.SOL_SOCKET, forced, bytes) != 0) {
            int result = Native.setsockopt(fd, Native.SOL_SOCKET, option, bytes);
            if (result != 0) {
                throw new IOException("cannot set the socket buffer to " + bytes + " bytes: " + Native.describe(-result));
            }
        }
    }

    int family() {
        return family;
    }

    InetSocketAddress localAddress() {
        return local;
    }

    /** Whether sends may carry segments (GSO). */
    boolean segmentation() {
        return segmentation;
    }

    /** Whether receives may hand several datagrams in one buffer (GRO). */
    boolean receiveOffload() {
        return receiveOffload;
    }

    /** The kernel refused a segmented send: from now on every datagram goes on its own. */
    void refuseSegmentation(int errno) {
        if (segmentation) {
            segmentation = false;
            LOG.log(Level.WARNING, "udp {0}: the kernel refused segmentation offload ({1}); sending datagrams one "
                    + "by one", local, Native.describe(errno));
        }
    }

    /** {@code sendmmsg}: the messages sent, or {@code -errno}; {@code -EBADF} once closed. */
    int send(MemorySegment errno, MemorySegment messages, int count, int flags) {
        if (!enter()) {
            return -Native.EBADF;
        }
        try {
            return Native.sendmmsg(errno, fd, messages, count, flags);
        } finally {
            exit();
        }
    }

    /** {@code recvmmsg} without waiting: the messages received, or {@code -errno}; {@code -EBADF} once closed. */
    int receive(MemorySegment errno, MemorySegment messages, int count) {
        if (!enter()) {
            return -Native.EBADF;
        }
        try {
            return Native.recvmmsg(errno, fd, messages, count, Native.MSG_DONTWAIT);
        } finally {
            exit();
        }
    }

    boolean isOpen() {
        return (inUse.get() & CLOSED) == 0;
    }

    /** A wait for reading, for one thread at a time. */
    Readiness readable() {
        return new Readiness(SelectionKey.OP_READ);
    }

    /** A wait for writing, for one thread at a time. */
    Readiness writable() {
        return new Readiness(SelectionKey.OP_WRITE);
    }

    private boolean enter() {
        int n;
        do {
            n = inUse.get();
            if ((n & CLOSED) != 0) {
                return false;
            }
        } while (!inUse.compareAndSet(n, n + 1));
        return true;
    }

    private void exit() {
        if (inUse.decrementAndGet() == CLOSED) {
            closeChannel();
        }
    }

    /** Wakes every wait, and closes the descriptor once no native call is in flight. */
    @Override
    public void close() {
        int before = inUse.getAndUpdate(n -> n | CLOSED);
        if ((before & CLOSED) != 0) {
            return;
        }
        for (Readiness r : waiters) {
            r.close();
        }
        if (before == 0) {
            closeChannel();
        }
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "udp {0}: close failed: {1}", local, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "udp " + local;
    }

    /** Waits until the socket is ready for one kind of operation; one thread at a time, woken by {@link #close}. */
    final class Readiness {
        private final int operation;
        private Selector selector; // opened by the waiting thread at its first wait; guarded by this
        private boolean closed; // guarded by this

        private Readiness(int operation) {
            this.operation = operation;
        }

        void await() throws IOException {
            Selector s;
            synchronized (this) {
                if (selector == null) {
                    if (closed || !isOpen()) {
                        throw new ClosedChannelException();
                    }
                    selector = Selector.open();
                    waiters.add(this);
                    if (!isOpen()) { // closed in between: close() may have missed this one
                        close();
                        throw new ClosedChannelException();
                    }
                    channel.register(selector, operation);
                }
                s = selector;
            }
            try {
                s.select(); // returns at readiness, at close (closing the selector wakes it) or at an interrupt
                s.selectedKeys().clear();
            } catch (ClosedSelectorException e) {
                throw new ClosedChannelException();
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new ClosedByInterruptException();
            }
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
        }

        /** Wakes the waiting thread; every wait fails from now on. */
        synchronized void close() {
            closed = true;
            waiters.remove(this);
            if (selector != null) {
                try {
                    selector.close();
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "udp {0}: closing a selector failed: {1}", local, e.getMessage());
                }
            }
            selector = null;
        }
    }
}
