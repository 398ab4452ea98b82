package io.lwt.tun.linux;

import io.lwt.api.IpPrefix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The two structs that configure IPv6 through ioctls on an {@code AF_INET6} socket, as {@code ifconfig} and
 * {@code route -A inet6} do. Layouts for LP64 Linux (x86_64, aarch64).
 */
final class In6Structs {

    /** struct in6_ifreq: in6_addr ifr6_addr, u32 ifr6_prefixlen, int ifr6_ifindex. */
    static final int IFREQ_SIZE = 24;
    /**
     * struct in6_rtmsg: in6_addr dst, src, gateway at 0, 16, 32; u32 type at 48; u16 dst_len, src_len at 52, 54;
     * u32 metric at 56; unsigned long info at 64; u32 flags at 72; int ifindex at 76.
     */
    static final int RTMSG_SIZE = 80;
    private static final short RTF_UP = 0x1;
    private static final int RTN_UNICAST = 1;

    private In6Structs() {}

    /** For SIOCSIFADDR: the address with its prefix length on the interface {@code index}. */
    static byte[] ifreq(IpPrefix address, int index) {
        return ByteBuffer.allocate(IFREQ_SIZE).order(ByteOrder.nativeOrder())
                .put(0, address.address().getAddress())
                .putInt(16, address.prefixLength())
                .putInt(20, index)
                .array();
    }

    /** For SIOCADDRT: a route to {@code network} through the interface {@code index}, with no gateway. */
    static byte[] rtmsg(IpPrefix network, int index) {
        return ByteBuffer.allocate(RTMSG_SIZE).order(ByteOrder.nativeOrder())
                .put(0, network.address().getAddress())
                .putInt(48, RTN_UNICAST)
                .putShort(52, (short) network.prefixLength())
                .putInt(72, RTF_UP)
                .putInt(76, index)
                .array();
    }
}
