package io.lwt.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunOptions;
import io.lwt.api.tun.VirtioNetHeader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A Linux TUN device's packet I/O: batched reads and writes on a non-blocking descriptor. One thread reads at a time,
 * the node's TUN reader, a platform thread (reads block in native code and would pin a virtual thread's carrier), and
 * one thread writes at a time (the engine serialises its writers); {@link #close()} may come from any thread, also
 * while they are blocked. {@link #open} runs on the thread that opens the device, in whose network namespace the
 * device is made: it attaches the descriptor ({@link TunAttachment}) and configures the interface
 * ({@link InterfaceConfiguration}) first.
 *
 * <p>A read drains every packet that is ready, up to the batch size, and blocks in {@code poll} only when none is;
 * an eventfd in the same poll lets {@link #close()} wake a blocked reader or writer, since closing a file descriptor
 * does not, and close then waits for both to leave before it closes the descriptors. The reader and the writer each
 * have their own poll set and buffer-address cache; what they share (the closed flag, the warnings' rate limit) is
 * volatile or atomic.
 *
 * <p>With offloads ({@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD} checksum and TSO), every packet read or written
 * has a {@link VirtioNetHeader} in the {@value VirtioNetHeader#LENGTH} bytes before its buffer's position, and the
 * kernel hands over TCP super-segments of up to 64 KiB instead of MTU-sized segments. If the kernel refuses them,
 * the device is opened again without the header ({@link #offloads()} false): "offloads" then always means the kernel
 * accepted them, and a node without them pays nothing for the header.
 */
final class LinuxTunDevice implements TunDevice {

    private static final System.Logger LOG = System.getLogger(LinuxTunDevice.class.getName());

    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final int fd;
    private final int wakeup;
    private final String name;
    private final int mtu;
    /** {@link VirtioNetHeader#LENGTH} with offloads, else 0: the bytes before each packet that the kernel moves too. */
    private final int header;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final BufferAddresses readAddresses = new BufferAddresses();
    private final BufferAddresses writeAddresses = new BufferAddresses();
    private final byte[] readPoll = new byte[16];
    private final byte[] writePoll = new byte[16];
    private final LongAdder rejected = new LongAdder();
    private final LongAdder truncated = new LongAdder();
    private final AtomicLong lastRejectLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private volatile boolean closed;

    private LinuxTunDevice(int fd, int wakeup, String name, int mtu, boolean offloads) {
        this.fd = fd;
        this.wakeup = wakeup;
        this.name = name;
        this.mtu = mtu;
        this.header = offloads ? VirtioNetHeader.LENGTH : 0;
        pollEntry(readPoll, 0, fd, LibC.POLLIN);
        pollEntry(readPoll, 8, wakeup, LibC.POLLIN);
        pollEntry(writePoll, 0, fd, LibC.POLLOUT);
        pollEntry(writePoll, 8, wakeup, LibC.POLLIN);
    }

    /**
     * Creates the device and configures its addresses, MTU, routes and link state, or, with {@code configure} false,
     * attaches to a pre-created persistent device and checks that its addresses and MTU are the node's. On failure
     * nothing is left behind.
     *
     * @param offload whether to ask for offloads; the device has them only if the kernel accepts them
     */
    static LinuxTunDevice open(TunOptions options, boolean configure, boolean offload) throws IOException {
        return open(options, configure, offload ? TunAttachment.OFFLOADS : 0);
    }

    /** {@code offloadFlags}: the TUN_F_ flags to ask for, 0 for none (a test asks for some the kernel refuses). */
    static LinuxTunDevice open(TunOptions options, boolean configure, int offloadFlags) throws IOException {
        if (!configure && options.name() == null) {
            throw new IOException("configure: false needs the device name of the pre-created persistent TUN device");
        }
        String requested = options.name() != null ? options.name() : "lwt%d";
        TunAttachment tun = TunAttachment.attach(requested, offloadFlags);
        int fd = tun.fd();
        int wakeup = -1;
        try {
            String name = tun.name();
            if (configure) {
                InterfaceConfiguration.apply(name, options);
            } else {
                InterfaceConfiguration.check(name, options);
            }
            if (LibC.fcntl(fd, LibC.F_SETFL, LibC.fcntl(fd, LibC.F_GETFL, 0) | LibC.O_NONBLOCK) < 0) {
                throw new IOException("cannot make " + name + " non-blocking: " + LibC.strerror(Native.getLastError()));
            }
            wakeup = LibC.eventfd(0, LibC.EFD_CLOEXEC);
            if (wakeup < 0) {
                throw new IOException("eventfd failed: " + LibC.strerror(Native.getLastError()));
            }
            LOG.log(Level.DEBUG, "opened TUN device {0} {1}{2} mtu {3}{4}", name, options.address(),
                    options.ipv6Address() == null ? "" : " " + options.ipv6Address(), String.valueOf(options.mtu()),
                    tun.offloads() ? " with offloads" : "");
            return new LinuxTunDevice(fd, wakeup, name, options.mtu(), tun.offloads());
        } catch (IOException | RuntimeException e) {
            LibC.close(fd); // the kernel removes a non-persistent TUN device with its last descriptor
            if (wakeup >= 0) {
                LibC.close(wakeup);
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public boolean offloads() {
        return header != 0;
    }

    @Override
    public int read(ByteBuffer[] packets) throws IOException {
        lifecycle.readLock().lock();
        try {
            int n = 0;
            while (n < packets.length) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                ByteBuffer packet = packets[n];
                int start = start(packet);
                int room = packet.limit() - start;
                long read = LibC.read(fd, readAddresses.of(packet) + start, room);
                if (read >= 0) {
                    int announced = read < room ? 0 : announcedLength(packet, start + header, room - header);
                    if (announced > room - header) { // the kernel cuts a packet to the buffer and says nothing
                        truncated(announced, room - header);
                    } else if (read >= header) { // (shorter would be no packet at all)
                        packet.limit(start + (int) read);
                        n++;
                    }
                    continue;
                }
                int errno = Native.getLastError();
                if (errno == LibC.EAGAIN) {
                    if (n > 0) {
                        return n;
                    }
                    await(readPoll);
                } else if (errno != LibC.EINTR) {
                    throw new IOException("reading from " + name + ": " + LibC.strerror(errno));
                }
            }
            return n;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void write(ByteBuffer[] packets, int count) throws IOException {
        lifecycle.readLock().lock();
        try {
            for (int i = 0; i < count; i++) {
                ByteBuffer packet = packets[i];
                int start = start(packet);
                long address = writeAddresses.of(packet) + start;
                int length = packet.limit() - start;
                while (true) {
                    if (closed) {
                        throw new ClosedChannelException();
                    }
                    if (LibC.write(fd, address, length) >= 0) {
                        break;
                    }
                    int errno = Native.getLastError();
                    if (errno == LibC.EAGAIN) {
                        await(writePoll);
                    } else if (errno != LibC.EINTR) {
                        reject(packet, errno);
                        break;
                    }
                }
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Where the kernel's part of the buffer begins: the packet's position, less the header's bytes with offloads. */
    private int start(ByteBuffer packet) {
        int start = packet.position() - header;
        if (start < 0) {
            throw new IllegalArgumentException("a TUN device with offloads needs " + header
                    + " bytes of headroom before each packet, for its virtio_net_hdr; the buffer has " + packet.position());
        }
        return start;
    }

    /** The kernel refused a packet (malformed, too large): drop it, count it, log at most once a second. */
    private void reject(ByteBuffer packet, int errno) {
        rejected.increment();
        if (logNow()) {
            LOG.log(Level.WARNING, "{0} rejected a packet of {1} bytes: {2} ({3} rejected so far)", name,
                    String.valueOf(packet.remaining()), LibC.strerror(errno), String.valueOf(rejected.sum()));
        }
    }

    /** The length the IP header at {@code ip} announces (a super-segment's too), or 0 if too little of it is there. */
    private static int announcedLength(ByteBuffer buffer, int ip, int available) {
        int version = available < 6 ? 0 : (buffer.get(ip) & 0xf0) >> 4;
        return switch (version) {
            case 4 -> (buffer.get(ip + 2) & 0xff) << 8 | buffer.get(ip + 3) & 0xff;
            case 6 -> 40 + ((buffer.get(ip + 4) & 0xff) << 8 | buffer.get(ip + 5) & 0xff);
            default -> 0;
        };
    }

    /** A packet longer than the caller's buffer (a buffer sized below the MTU, or below 64 KiB with offloads). */
    private void truncated(int length, int room) {
        truncated.increment();
        if (logNow()) {
            LOG.log(Level.WARNING, "{0}: dropped a packet of {1} bytes read into a buffer of {2} ({3} dropped so far)", name,
                    String.valueOf(length), String.valueOf(room), String.valueOf(truncated.sum()));
        }
    }

    /** At most one warning a second, for all of this device's kinds together. */
    private boolean logNow() {
        long now = System.nanoTime();
        long last = lastRejectLog.get();
        return now - last >= LOG_INTERVAL_NANOS && lastRejectLog.compareAndSet(last, now);
    }

    /** Blocks until the device is ready as asked or {@link #close()} signals; throws once closed. */
    private void await(byte[] pollFds) throws IOException {
        while (LibC.poll(pollFds, 2, -1) < 0) {
            int errno = Native.getLastError();
            if (errno != LibC.EINTR) {
                throw new IOException("poll on " + name + ": " + LibC.strerror(errno));
            }
        }
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ByteBuffer one = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).putLong(0, 1);
        LibC.write(wakeup, Pointer.nativeValue(Native.getDirectBufferPointer(one)), 8);
        lifecycle.writeLock().lock(); // waits for a woken reader or writer to leave
        try {
            LibC.close(fd);
            LibC.close(wakeup);
        } finally {
            lifecycle.writeLock().unlock();
        }
        LOG.log(Level.DEBUG, "closed TUN device {0}", name);
    }

    private static void pollEntry(byte[] fds, int offset, int fd, short events) {
        ByteBuffer.wrap(fds).order(ByteOrder.nativeOrder()).putInt(offset, fd).putShort(offset + 4, events);
    }

    /**
     * Native addresses of direct buffers, cached by identity so the steady state (pooled buffers) allocates nothing:
     * looking an address up through JNA makes a Pointer object each time.
     */
    private static final class BufferAddresses {
        private static final int SLOTS = 512;
        private final ByteBuffer[] buffers = new ByteBuffer[SLOTS];
        private final long[] addresses = new long[SLOTS];

        long of(ByteBuffer buffer) {
            int slot = System.identityHashCode(buffer) & (SLOTS - 1);
            if (buffers[slot] != buffer) {
                if (!buffer.isDirect()) {
                    throw new IllegalArgumentException("TUN packets must be in direct buffers");
                }
                addresses[slot] = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
                buffers[slot] = buffer;
            }
            return addresses[slot];
        }
    }
}
