package io.lwt.transport.udp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A peer's address as a socket of one family writes it: {@code struct sockaddr_in}, or {@code struct sockaddr_in6}
 * with IPv4 addresses mapped ({@code ::ffff:a.b.c.d}) on a dual-stack socket. Datagrams are told apart by comparing
 * these bytes with what the kernel wrote for each, so that a known peer costs no object per datagram.
 *
 * @param address the address as users read it: an IPv4 peer of a dual-stack socket is an IPv4 address
 * @param bytes the sockaddr, {@link #LENGTH} bytes with zeros after a {@code sockaddr_in}
 */
record Endpoint(InetSocketAddress address, MemorySegment bytes) {

    /** The room for either sockaddr: {@code sizeof(struct sockaddr_in6)}. */
    static final int LENGTH = 28;
    private static final int SOCKADDR_IN = 16;
    private static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    /** The sockaddr of {@code address} (resolved) for a socket of {@code family}. */
    static Endpoint of(InetSocketAddress address, int family) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[LENGTH]);
        byte[] ip = address.getAddress().getAddress();
        if (family == Native.AF_INET) {
            if (ip.length != 4) {
                throw new IllegalArgumentException("an IPv4 socket cannot send to " + address);
            }
            bytes.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Native.AF_INET);
            bytes.set(PORT, 2, (short) address.getPort());
            MemorySegment.copy(ip, 0, bytes, ValueLayout.JAVA_BYTE, 4, 4);
        } else {
            bytes.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Native.AF_INET6);
            bytes.set(PORT, 2, (short) address.getPort());
            if (ip.length == 4) { // ::ffff:a.b.c.d
                bytes.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xff);
                bytes.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xff);
                MemorySegment.copy(ip, 0, bytes, ValueLayout.JAVA_BYTE, 20, 4);
            } else {
                MemorySegment.copy(ip, 0, bytes, ValueLayout.JAVA_BYTE, 8, 16);
                if (address.getAddress() instanceof Inet6Address v6) {
                    bytes.set(ValueLayout.JAVA_INT_UNALIGNED, 24, v6.getScopeId());
                }
            }
        }
        return new Endpoint(address, bytes);
    }

    /** The sockaddr the kernel wrote ({@code length} bytes at {@code offset}), as an endpoint. */
    static Endpoint read(MemorySegment sockaddrs, long offset, int length) {
        MemorySegment bytes = MemorySegment.ofArray(new byte[LENGTH]);
        MemorySegment.copy(sockaddrs, offset, bytes, 0, Math.min(length, LENGTH));
        int family = bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0);
        int port = Short.toUnsignedInt(bytes.get(PORT, 2));
        try {
            InetAddress ip;
            if (family == Native.AF_INET) {
                ip = InetAddress.getByAddress(bytes.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE));
            } else {
                byte[] raw = bytes.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
                ip = InetAddress.getByAddress(raw); // an IPv4-mapped address comes back as an Inet4Address
                if (!(ip instanceof Inet4Address)) {
                    ip = Inet6Address.getByAddress(null, raw, bytes.get(ValueLayout.JAVA_INT_UNALIGNED, 24));
                }
            }
            return new Endpoint(new InetSocketAddress(ip, port), bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // the lengths are right
        }
    }

    /** Whether the sockaddr the kernel wrote ({@code length} bytes at {@code offset}) names this endpoint. */
    boolean matches(MemorySegment sockaddrs, long offset, int length) {
        return (length == LENGTH || length == SOCKADDR_IN)
                && MemorySegment.mismatch(sockaddrs, offset, offset + length, bytes, 0, length) == -1;
    }
}
