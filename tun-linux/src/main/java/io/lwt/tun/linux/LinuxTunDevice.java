package io.lwt.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lwt.api.IpPrefix;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunOptions;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A Linux TUN device ({@code IFF_TUN | IFF_NO_PI}) on a non-blocking file descriptor. A read drains every packet
 * that is ready, up to the batch size, and blocks in {@code poll} only when none is; an eventfd in the same poll
 * lets {@link #close()} wake a blocked reader, since closing a file descriptor does not.
 *
 * <p>Reads block in native code and so belong on a platform thread: they would pin a virtual thread's carrier.
 */
final class LinuxTunDevice implements TunDevice {

    private static final System.Logger LOG = System.getLogger(LinuxTunDevice.class.getName());

    private static final long TUNSETIFF = 0x400454caL;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final long SIOCSIFADDR = 0x8916;
    private static final long SIOCSIFNETMASK = 0x891c;
    private static final long SIOCSIFMTU = 0x8922;
    private static final long SIOCGIFADDR = 0x8915;
    private static final long SIOCGIFMTU = 0x8921;
    private static final long SIOCADDRT = 0x890b;
    private static final long SIOCGIFINDEX = 0x8933;
    private static final int RTENTRY_SIZE = 120;
    private static final short RTF_UP = 0x1;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_UP = 0x1;
    private static final short IFF_RUNNING = 0x40;
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final int fd;
    private final int wakeup;
    private final String name;
    private final int mtu;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final BufferAddresses readAddresses = new BufferAddresses();
    private final BufferAddresses writeAddresses = new BufferAddresses();
    private final byte[] readPoll = new byte[16];
    private final byte[] writePoll = new byte[16];
    private final LongAdder rejected = new LongAdder();
    private final AtomicLong lastRejectLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private volatile boolean closed;

    private LinuxTunDevice(int fd, int wakeup, String name, int mtu) {
        this.fd = fd;
        this.wakeup = wakeup;
        this.name = name;
        this.mtu = mtu;
        pollEntry(readPoll, 0, fd, LibC.POLLIN);
        pollEntry(readPoll, 8, wakeup, LibC.POLLIN);
        pollEntry(writePoll, 0, fd, LibC.POLLOUT);
        pollEntry(writePoll, 8, wakeup, LibC.POLLIN);
    }

    /**
     * Creates the device and configures its addresses, MTU, routes and link state, or, with {@code configure} false,
     * attaches to a pre-created persistent device and checks that its addresses and MTU are the node's. On failure
     * nothing is left behind.
     */
    static LinuxTunDevice open(TunOptions options, boolean configure) throws IOException {
        if (!configure && options.name() == null) {
            throw new IOException("configure: false needs the device name of the pre-created persistent TUN device");
        }
        int fd = LibC.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            int errno = Native.getLastError();
            throw new IOException(switch (errno) {
                case LibC.ENOENT, LibC.ENODEV -> "/dev/net/tun is missing: load the tun kernel module (modprobe tun)";
                case LibC.EACCES, LibC.EPERM -> "cannot open /dev/net/tun: permission denied (run as root or with CAP_NET_ADMIN)";
                default -> "cannot open /dev/net/tun: " + LibC.strerror(errno);
            });
        }
        int wakeup = -1;
        try {
            String requested = options.name() != null ? options.name() : "lwt%d";
            Ifreq request = new Ifreq(requested).flags((short) (IFF_TUN | IFF_NO_PI));
            if (LibC.ioctl(fd, TUNSETIFF, request.array()) < 0) {
                int errno = Native.getLastError();
                throw new IOException("cannot create TUN device " + requested + ": " + switch (errno) {
                    case LibC.EPERM, LibC.EACCES -> "operation not permitted (run as root or with CAP_NET_ADMIN)";
                    case LibC.EBUSY -> "the name is in use";
                    case LibC.EINVAL -> "the name is in use by a device that is not a TUN device";
                    default -> LibC.strerror(errno);
                });
            }
            String name = request.name();
            if (configure) {
                configure(name, options);
            } else {
                checkConfigured(name, options);
            }
            if (LibC.fcntl(fd, LibC.F_SETFL, LibC.fcntl(fd, LibC.F_GETFL, 0) | LibC.O_NONBLOCK) < 0) {
                throw new IOException("cannot make " + name + " non-blocking: " + LibC.strerror(Native.getLastError()));
            }
            wakeup = LibC.eventfd(0, LibC.EFD_CLOEXEC);
            if (wakeup < 0) {
                throw new IOException("eventfd failed: " + LibC.strerror(Native.getLastError()));
            }
            LOG.log(Level.DEBUG, "opened TUN device {0} {1}{2} mtu {3}", name, options.address(),
                    options.ipv6Address() == null ? "" : " " + options.ipv6Address(), String.valueOf(options.mtu()));
            return new LinuxTunDevice(fd, wakeup, name, options.mtu());
        } catch (IOException | RuntimeException e) {
            LibC.close(fd); // the kernel removes a non-persistent TUN device with its last descriptor
            if (wakeup >= 0) {
                LibC.close(wakeup);
            }
            throw e;
        }
    }

    /**
     * Address, netmask, MTU and link up, then the IPv6 address and the routes, through ioctls on datagram sockets (what
     * ifconfig and route do). IPv6 comes after the link is up: the kernel refuses IPv6 routes into a device that is down.
     */
    private static void configure(String name, TunOptions options) throws IOException {
        int socket = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM, 0);
        if (socket < 0) {
            throw new IOException("cannot configure " + name + ": socket: " + LibC.strerror(Native.getLastError()));
        }
        int socket6 = -1;
        try {
            byte[] address = options.address().address().getAddress();
            int prefix = options.address().prefixLength();
            int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
            byte[] netmask = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(mask).array();
            ioctl(socket, SIOCSIFADDR, new Ifreq(name).ipv4(address), name, "invalid address " + options.address());
            ioctl(socket, SIOCSIFNETMASK, new Ifreq(name).ipv4(netmask), name, "invalid prefix " + options.address());
            ioctl(socket, SIOCSIFMTU, new Ifreq(name).mtu(options.mtu()), name, "invalid mtu " + options.mtu());
            Ifreq flags = new Ifreq(name);
            ioctl(socket, SIOCGIFFLAGS, flags, name, "cannot read flags");
            ioctl(socket, SIOCSIFFLAGS, flags.flags((short) (flags.flags() | IFF_UP | IFF_RUNNING)), name,
                    "cannot set the link up");
            int index = 0;
            if (options.ipv6Address() != null || options.routes().stream().anyMatch(r -> !r.isIpv4())) {
                socket6 = ipv6Socket(name);
                Ifreq ifindex = new Ifreq(name);
                ioctl(socket, SIOCGIFINDEX, ifindex, name, "cannot read its index");
                index = ifindex.index();
            }
            if (options.ipv6Address() != null) {
                addIpv6Address(socket6, name, options.ipv6Address(), index);
            }
            for (IpPrefix route : options.routes()) {
                if (route.isIpv4()) {
                    addRoute(socket, name, route);
                } else {
                    addIpv6Route(socket6, name, route, index);
                }
            }
        } finally {
            LibC.close(socket);
            if (socket6 >= 0) {
                LibC.close(socket6);
            }
        }
    }

    private static int ipv6Socket(String name) throws IOException {
        int socket = LibC.socket(LibC.AF_INET6, LibC.SOCK_DGRAM, 0);
        if (socket < 0) {
            int errno = Native.getLastError();
            throw new IOException("cannot configure IPv6 on " + name + ": " + (errno == LibC.EAFNOSUPPORT
                    ? "this kernel has no IPv6" : "socket: " + LibC.strerror(errno)));
        }
        return socket;
    }

    private static void addIpv6Address(int socket6, String name, IpPrefix address, int index) throws IOException {
        if (LibC.ioctl(socket6, SIOCSIFADDR, In6Structs.ifreq(address, index)) < 0) {
            int errno = Native.getLastError();
            throw new IOException("cannot configure " + name + ": IPv6 address " + address + ": " + (errno == LibC.EACCES
                    ? "IPv6 is disabled on it (sysctl net.ipv6.conf." + name + ".disable_ipv6)" : reason(errno)));
        }
    }

    private static void addIpv6Route(int socket6, String name, IpPrefix route, int index) throws IOException {
        if (LibC.ioctl(socket6, SIOCADDRT, In6Structs.rtmsg(route, index)) < 0) {
            int errno = Native.getLastError();
            if (errno != LibC.EEXIST) {
                throw new IOException("cannot route " + route + " into " + name + ": " + reason(errno));
            }
        }
    }

    /** Reading a device's address, MTU and flags needs no capability. */
    private static void checkConfigured(String name, TunOptions options) throws IOException {
        int socket = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM, 0);
        if (socket < 0) {
            throw new IOException("cannot inspect " + name + ": socket: " + LibC.strerror(Native.getLastError()));
        }
        try {
            Ifreq address = new Ifreq(name);
            ioctl(socket, SIOCGIFADDR, address, name, "it has no IPv4 address");
            if (!java.util.Arrays.equals(address.ipv4(), options.address().address().getAddress())) {
                throw new IOException(name + " has address " + java.net.InetAddress.getByAddress(address.ipv4()).getHostAddress()
                        + ", but this node's is " + options.address().address().getHostAddress());
            }
            if (options.ipv6Address() != null) {
                checkIpv6Address(name, options.ipv6Address());
            }
            Ifreq mtu = new Ifreq(name);
            ioctl(socket, SIOCGIFMTU, mtu, name, "cannot read its mtu");
            if (mtu.mtu() != options.mtu()) {
                throw new IOException(name + " has mtu " + mtu.mtu() + ", but this node's is " + options.mtu());
            }
            Ifreq flags = new Ifreq(name);
            ioctl(socket, SIOCGIFFLAGS, flags, name, "cannot read its flags");
            if ((flags.flags() & IFF_UP) == 0) {
                throw new IOException(name + " is down: set it up (ip link set " + name + " up)");
            }
        } finally {
            LibC.close(socket);
        }
    }

    /**
     * Whether the device has the IPv6 address with its prefix length, from the kernel's list of IPv6 addresses (no
     * ioctl reads them). That list is per network namespace, as the calling thread sees it.
     */
    private static void checkIpv6Address(String name, IpPrefix expected) throws IOException {
        Path list = Path.of("/proc/thread-self/net/if_inet6");
        if (!Files.exists(list)) {
            throw new IOException(name + " has no IPv6 address " + expected + ": this kernel has no IPv6");
        }
        // one line per address: hex address, interface index, prefix length, scope, flags, name (all but the name hex)
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 6 && fields[5].equals(name)) {
                IpPrefix address = new IpPrefix(InetAddress.getByAddress(HexFormat.of().parseHex(fields[0])),
                        Integer.parseInt(fields[2], 16));
                if (address.equals(expected)) {
                    return;
                }
                found.add(address.toString());
            }
        }
        throw new IOException(name + " has no IPv6 address " + expected + (found.isEmpty() ? ""
                : " (it has " + String.join(", ", found) + ")") + ": add it (ip addr add " + expected + " dev " + name + ")");
    }

    /**
     * Routes a network into the device (what {@code route add -net} does): a struct rtentry whose rt_dev points at
     * the device name in native memory. Layout for LP64 Linux: dst at 8, genmask at 40, flags at 56, dev at 88.
     */
    private static void addRoute(int socket, String name, IpPrefix route) throws IOException {
        int mask = route.prefixLength() == 0 ? 0 : -1 << (32 - route.prefixLength());
        ByteBuffer deviceName = ByteBuffer.allocateDirect(16).put(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        ByteBuffer rtentry = ByteBuffer.allocate(RTENTRY_SIZE).order(ByteOrder.nativeOrder());
        // sockaddr_in: family in host order, then port and address in network order
        rtentry.putShort(8, (short) LibC.AF_INET).putShort(40, (short) LibC.AF_INET).putShort(56, RTF_UP);
        rtentry.order(ByteOrder.BIG_ENDIAN).putInt(8 + 4, route.ipv4() & mask).putInt(40 + 4, mask);
        rtentry.order(ByteOrder.nativeOrder());
        rtentry.putLong(88, Pointer.nativeValue(Native.getDirectBufferPointer(deviceName)));
        if (LibC.ioctl(socket, SIOCADDRT, rtentry.array()) < 0) {
            int errno = Native.getLastError();
            if (errno != LibC.EEXIST) {
                throw new IOException("cannot route " + route + " into " + name + ": " + LibC.strerror(errno));
            }
        }
        java.lang.ref.Reference.reachabilityFence(deviceName); // rt_dev points into it during the call
    }

    private static void ioctl(int socket, long request, Ifreq ifreq, String name, String what) throws IOException {
        if (LibC.ioctl(socket, request, ifreq.array()) < 0) {
            throw new IOException("cannot configure " + name + ": " + what + ": " + reason(Native.getLastError()));
        }
    }

    private static String reason(int errno) {
        return errno == LibC.EPERM ? "operation not permitted (run as root or with CAP_NET_ADMIN)" : LibC.strerror(errno);
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
    public int read(ByteBuffer[] packets) throws IOException {
        lifecycle.readLock().lock();
        try {
            int n = 0;
            while (n < packets.length) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                ByteBuffer packet = packets[n];
                long read = LibC.read(fd, readAddresses.of(packet) + packet.position(), packet.remaining());
                if (read >= 0) {
                    packet.limit(packet.position() + (int) read);
                    n++;
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
                long address = writeAddresses.of(packet) + packet.position();
                while (true) {
                    if (closed) {
                        throw new ClosedChannelException();
                    }
                    if (LibC.write(fd, address, packet.remaining()) >= 0) {
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

    /** The kernel refused a packet (malformed, too large): drop it, count it, log at most once a second. */
    private void reject(ByteBuffer packet, int errno) {
        rejected.increment();
        long now = System.nanoTime();
        long last = lastRejectLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastRejectLog.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, "{0} rejected a packet of {1} bytes: {2} ({3} rejected so far)", name,
                    String.valueOf(packet.remaining()), LibC.strerror(errno), String.valueOf(rejected.sum()));
        }
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
