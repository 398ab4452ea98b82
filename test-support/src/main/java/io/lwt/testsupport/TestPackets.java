package io.lwt.testsupport;

import io.lwt.api.IpPrefix;
import java.nio.ByteBuffer;

/** Builds IPv4 and IPv6 packets for tests, with valid checksums. */
public final class TestPackets {

    private TestPackets() {}

    /** An IPv4 UDP packet from {@code source} to {@code destination} (dotted quads) carrying {@code payload}. */
    public static byte[] udp(String source, String destination, byte[] payload) {
        int length = 20 + 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) length).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(octets(source)).put(octets(destination));
        b.putShort(10, checksum(b.array(), 0, 20));
        b.putShort((short) 40000).putShort((short) 9).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }

    /** A UDP packet whose total length is exactly {@code size} bytes, filled with a pattern. */
    public static byte[] udpOfSize(String source, String destination, int size) {
        byte[] payload = new byte[size - 28];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        return udp(source, destination, payload);
    }

    /**
     * An IPv6 UDP packet from {@code source} to {@code destination} (literal addresses) carrying {@code payload}, with
     * its UDP checksum (mandatory in IPv6) over the pseudo-header.
     */
    public static byte[] udp6(String source, String destination, byte[] payload) {
        int udpLength = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(40 + udpLength);
        b.putInt(0x6000_0000).putShort((short) udpLength).put((byte) 17).put((byte) 64)
                .put(ipv6(source)).put(ipv6(destination));
        b.putShort((short) 40000).putShort((short) 9).putShort((short) udpLength).putShort((short) 0).put(payload);
        ByteBuffer pseudo = ByteBuffer.allocate(40 + udpLength);
        pseudo.put(b.array(), 8, 32).putInt(udpLength).putInt(17).put(b.array(), 40, udpLength);
        short checksum = checksum(pseudo.array(), 0, pseudo.capacity());
        b.putShort(40 + 6, checksum == 0 ? (short) 0xffff : checksum);
        return b.array();
    }

    /** An IPv6 UDP packet whose total length is exactly {@code size} bytes, filled with a pattern. */
    public static byte[] udp6OfSize(String source, String destination, int size) {
        byte[] payload = new byte[size - 48];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31 + 7);
        }
        return udp6(source, destination, payload);
    }

    /** TCP flags, for {@link #tcp} and {@link #tcp6}. */
    public static final int FIN = 0x01;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int CWR = 0x80;

    /**
     * An IPv4 TCP segment from {@code source} to {@code destination} (dotted quads) with sequence number {@code seq},
     * the given flags, acknowledgement number 1 and window 65535; identification 0x1234 and DF set, as Linux sends TCP.
     */
    public static byte[] tcp(String source, String destination, int sourcePort, int destinationPort, int seq, int flags,
            byte[] payload) {
        return tcp(source, destination, sourcePort, destinationPort, seq, flags, new byte[0], new byte[0], payload);
    }

    /** As {@link #tcp(String, String, int, int, int, int, byte[])}, with IPv4 and TCP options (whole 4-byte words). */
    public static byte[] tcp(String source, String destination, int sourcePort, int destinationPort, int seq, int flags,
            byte[] ipOptions, byte[] tcpOptions, byte[] payload) {
        int ipLength = 20 + ipOptions.length;
        byte[] addresses = ByteBuffer.allocate(8).put(octets(source)).put(octets(destination)).array();
        byte[] segment = tcpSegment(addresses, sourcePort, destinationPort, seq, flags, tcpOptions, payload);
        int length = ipLength + segment.length;
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) (0x40 | ipLength / 4)).put((byte) 0).putShort((short) length).putShort((short) 0x1234)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).put(addresses).put(ipOptions);
        b.putShort(10, checksum(b.array(), 0, ipLength));
        return b.put(segment).array();
    }

    /** An IPv6 TCP segment, as {@link #tcp(String, String, int, int, int, int, byte[])} makes for IPv4. */
    public static byte[] tcp6(String source, String destination, int sourcePort, int destinationPort, int seq, int flags,
            byte[] payload) {
        return tcp6(source, destination, sourcePort, destinationPort, seq, flags, new byte[0], payload);
    }

    /** As {@link #tcp6(String, String, int, int, int, int, byte[])}, with TCP options (whole 4-byte words). */
    public static byte[] tcp6(String source, String destination, int sourcePort, int destinationPort, int seq, int flags,
            byte[] tcpOptions, byte[] payload) {
        byte[] addresses = ByteBuffer.allocate(32).put(ipv6(source)).put(ipv6(destination)).array();
        byte[] segment = tcpSegment(addresses, sourcePort, destinationPort, seq, flags, tcpOptions, payload);
        ByteBuffer b = ByteBuffer.allocate(40 + segment.length);
        b.putInt(0x6000_0000).putShort((short) segment.length).put((byte) 6).put((byte) 64).put(addresses);
        return b.put(segment).array();
    }

    /** A TCP header and payload with its checksum over the pseudo-header of {@code addresses} (source, destination). */
    private static byte[] tcpSegment(byte[] addresses, int sourcePort, int destinationPort, int seq, int flags,
            byte[] options, byte[] payload) {
        int headerLength = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(headerLength + payload.length);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt(seq).putInt(1)
                .put((byte) (headerLength / 4 << 4)).put((byte) flags).putShort((short) 0xffff).putInt(0)
                .put(options).put(payload);
        // IPv4's pseudo-header (zero, protocol, 16-bit length) and IPv6's (32-bit length, zeros, next header) sum alike
        ByteBuffer pseudo = ByteBuffer.allocate(addresses.length + 4 + b.capacity());
        pseudo.put(addresses).putShort((short) 6).putShort((short) b.capacity()).put(b.array());
        return b.putShort(16, checksum(pseudo.array(), 0, pseudo.capacity())).array();
    }

    /** The 16 bytes of a literal IPv6 address, IPv4-mapped ones ({@code ::ffff:a00:2}) included. */
    public static byte[] ipv6(String literal) {
        byte[] bytes = IpPrefix.literal(literal).getAddress();
        if (!literal.contains(":")) {
            throw new IllegalArgumentException(literal + " is not an IPv6 address");
        }
        if (bytes.length == 4) { // the JDK turns an IPv4-mapped literal into IPv4
            return ByteBuffer.allocate(16).putInt(8, 0xffff).put(12, bytes).array();
        }
        return bytes;
    }

    public static byte[] octets(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }

    /** The Internet checksum (RFC 1071) of {@code length} bytes. */
    public static short checksum(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = 0; i < length - 1; i += 2) {
            sum += ((data[offset + i] & 0xff) << 8) | (data[offset + i + 1] & 0xff);
        }
        if ((length & 1) != 0) {
            sum += (data[offset + length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
