package io.lwt.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.lwt.api.IpPrefix;
import io.lwt.api.tun.TunOptions;
import java.io.IOException;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A TUN device's interface as the node needs it: its addresses, MTU, link state and routes. Called once per device,
 * by the thread that opens it, after the device is attached and before any packet moves; the sockets it configures
 * through and the {@code /proc/thread-self/net} it reads are those of the calling thread's network namespace, and
 * each call opens and closes its own sockets and keeps nothing.
 *
 * <p>{@link #apply} sets the IPv4 address, netmask, MTU, link state, IPv6 address and routes (what ifconfig and route
 * do, through ioctls on datagram sockets; needs CAP_NET_ADMIN); {@link #check} verifies, for {@code configure: false},
 * that a pre-created device already has them (needs no capability).
 */
final class InterfaceConfiguration {

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
    private static final short IFF_UP = 0x1;
    private static final short IFF_RUNNING = 0x40;

    private InterfaceConfiguration() {}

    /**
     * Address, netmask, MTU and link up, then the IPv6 address and the routes, through ioctls on datagram sockets (what
     * ifconfig and route do). IPv6 comes after the link is up: the kernel refuses IPv6 routes into a device that is down.
     */
    static void apply(String name, TunOptions options) throws IOException {
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

    /**
     * Checks that a pre-created device has the node's addresses and MTU and is up, with one line naming what differs.
     * Reading a device's address, MTU and flags needs no capability.
     */
    static void check(String name, TunOptions options) throws IOException {
        int socket = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM, 0);
        if (socket < 0) {
            throw new IOException("cannot inspect " + name + ": socket: " + LibC.strerror(Native.getLastError()));
        }
        try {
            Ifreq address = new Ifreq(name);
            ioctl(socket, SIOCGIFADDR, address, name, "it has no IPv4 address");
            if (!Arrays.equals(address.ipv4(), options.address().address().getAddress())) {
                throw new IOException(name + " has address " + InetAddress.getByAddress(address.ipv4()).getHostAddress()
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
        ByteBuffer deviceName = ByteBuffer.allocateDirect(16).put(name.getBytes(StandardCharsets.US_ASCII));
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
        Reference.reachabilityFence(deviceName); // rt_dev points into it during the call
    }

    private static void ioctl(int socket, long request, Ifreq ifreq, String name, String what) throws IOException {
        if (LibC.ioctl(socket, request, ifreq.array()) < 0) {
            throw new IOException("cannot configure " + name + ": " + what + ": " + reason(Native.getLastError()));
        }
    }

    private static String reason(int errno) {
        return errno == LibC.EPERM ? "operation not permitted (run as root or with CAP_NET_ADMIN)" : LibC.strerror(errno);
    }
}
