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
