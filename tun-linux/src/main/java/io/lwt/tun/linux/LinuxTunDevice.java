package io.lwt.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lwt.api.IpPrefix;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunOptions;
import io.lwt.api.tun.VirtioNetHeader;
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
 * <p>With offloads ({@code IFF_VNET_HDR} and {@code TUNSETOFFLOAD} checksum and TSO), every packet read or written
 * has a {@link VirtioNetHeader} in the {@value VirtioNetHeader#LENGTH} bytes before its buffer's position, and the
 * kernel hands over TCP super-segments of up to 64 KiB instead of MTU-sized segments. If the kernel refuses them,
 * the device is opened again without the header ({@link #offloads()} false): "offloads" then always means the kernel
 * accepted them, and a node without them pays nothing for the header.
 *
 * <p>Reads block in native code and so belong on a platform thread: they would pin a virtual thread's carrier.
 */
final class LinuxTunDevice implements TunDevice {

    private static final System.Logger LOG = System.getLogger(LinuxTunDevice.class.getName());

    private static final long TUNSETIFF = 0x400454caL;
    /** _IOW('T', 208, unsigned int): the argument is the flags themselves, not a pointer. */
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    /** _IOW('T', 216, int): the argument points at the size. */
    private static final long TUNSETVNETHDRSZ = 0x400454d8L;
    private static final int TUN_F_CSUM = 0x01;
    private static final int TUN_F_TSO4 = 0x02;
    private static final int TUN_F_TSO6 = 0x04;
    private static final int TUN_F_TSO_ECN = 0x08;
    /** What an offloading device asks for: checksum offload and TCP segmentation for IPv4 and IPv6, ECN included. */
    static final int OFFLOADS = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
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
    private static final short IFF_VNET_HDR = 0x4000;
    private static final short IFF_UP = 0x1;
    private static final short IFF_RUNNING = 0x40;
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
        return open(options, configure, offload ? OFFLOADS : 0);
    }

    /** {@code offloadFlags}: the TUN_F_ flags to ask for, 0 for none (a test asks for some the kernel refuses). */
    static LinuxTunDevice open(TunOptions options, boolean configure, int offloadFlags) throws IOException {
        if (!configure && options.name() == null) {
            throw new IOException("configure: false needs the device name of the pre-created persistent TUN device");
        }
        String requested = options.name() != null ? options.name() : "lwt%d";
        Attached tun = attach(requested, offloadFlags);
        int fd = tun.fd();
        int wakeup = -1;
        try {
            String name = tun.name();
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

    /** A descriptor attached to the device, whose name the kernel reports, and whether it moves virtio headers. */
    private record Attached(int fd, String name, boolean offloads) {}

    /**
     * Opens /dev/net/tun and attaches the descriptor to the device, creating it unless it is a persistent one. With
     * offload flags, first with {@code IFF_VNET_HDR} and the flags; if the kernel refuses any step, the descriptor is
     * closed (which removes a device this call created: nothing is configured yet) and the device is opened again
     * without the header. Re-issuing TUNSETIFF on the same descriptor is not an option: the kernel refuses a second one.
     */
    private static Attached attach(String requested, int offloadFlags) throws IOException {
        String refused = null;
        if (offloadFlags != 0) {
            int fd = openTun();
            Ifreq request = new Ifreq(requested).flags((short) (IFF_TUN | IFF_NO_PI | IFF_VNET_HDR));
            if (LibC.ioctl(fd, TUNSETIFF, request.array()) < 0) {
                int errno = Native.getLastError();
                if (errno != LibC.EINVAL) { // EINVAL may be the header flag: try without it, which names the cause
                    LibC.close(fd);
                    throw setIffFailed(requested, errno);
                }
                refused = "TUNSETIFF with IFF_VNET_HDR: " + errnoText(errno);
            } else {
                refused = enableOffloads(fd, offloadFlags);
                if (refused == null) {
                    return new Attached(fd, request.name(), true);
                }
                requested = request.name(); // the same device again, also when the kernel chose the name
            }
            LibC.close(fd);
        }
        int fd = openTun();
        Ifreq request = new Ifreq(requested).flags((short) (IFF_TUN | IFF_NO_PI));
        if (LibC.ioctl(fd, TUNSETIFF, request.array()) < 0) {
            int errno = Native.getLastError();
            LibC.close(fd);
            throw setIffFailed(requested, errno);
        }
        // A persistent device keeps the offloads a previous user turned on; left on, the kernel would hand this
        // descriptor super-segments with no header to say so. A kernel without the ioctl has no offloads to clear.
        if (LibC.ioctl(fd, TUNSETOFFLOAD, 0L) < 0) {
            LOG.log(Level.DEBUG, "TUN device {0}: clearing offloads: {1}", request.name(), errnoText(Native.getLastError()));
        }
        if (refused != null) { // only now: an EINVAL above may have been a name in use, which the retry reports
            LOG.log(Level.WARNING, "TUN device {0}: the kernel refused offloads ({1}); using plain packets",
                    request.name(), refused);
        }
        return new Attached(fd, request.name(), false);
    }

    /**
     * Sets the header size (a persistent device keeps whatever size its last user set) and the offloads.
     *
     * @return null, or why the kernel refused
     */
    private static String enableOffloads(int fd, int offloadFlags) {
        byte[] size = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, VirtioNetHeader.LENGTH).array();
        if (LibC.ioctl(fd, TUNSETVNETHDRSZ, size) < 0) {
            return "TUNSETVNETHDRSZ " + VirtioNetHeader.LENGTH + ": " + errnoText(Native.getLastError());
        }
        if (LibC.ioctl(fd, TUNSETOFFLOAD, Integer.toUnsignedLong(offloadFlags)) < 0) {
            return "TUNSETOFFLOAD 0x" + Integer.toHexString(offloadFlags) + ": " + errnoText(Native.getLastError());
        }
        return null;
    }

    private static int openTun() throws IOException {
        int fd = LibC.open("/dev/net/tun", LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            int errno = Native.getLastError();
            throw new IOException(switch (errno) {
                case LibC.ENOENT, LibC.ENODEV -> "/dev/net/tun is missing: load the tun kernel module (modprobe tun)";
                case LibC.EACCES, LibC.EPERM -> "cannot open /dev/net/tun: permission denied (run as root or with CAP_NET_ADMIN)";
                default -> "cannot open /dev/net/tun: " + LibC.strerror(errno);
            });
        }
        return fd;
    }

    private static IOException setIffFailed(String requested, int errno) {
        return new IOException("cannot create TUN device " + requested + ": " + switch (errno) {
            case LibC.EPERM, LibC.EACCES -> "operation not permitted (run as root or with CAP_NET_ADMIN)";
            case LibC.EBUSY -> "the name is in use";
            case LibC.EINVAL -> "the name is in use by a device that is not a TUN device";
            default -> LibC.strerror(errno);
        });
    }

    private static String errnoText(int errno) {
        return LibC.strerror(errno) + " (errno " + errno + ")";
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
