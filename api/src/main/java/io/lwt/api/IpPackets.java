package io.lwt.api;

import java.nio.ByteBuffer;

/**
 * Reads IP header fields of a packet in place: the packet is {@code position..limit} of the buffer, and
 * nothing is allocated or moved.
 */
public final class IpPackets {

    /** Smallest IPv4 header; a shorter "packet" is malformed. */
    public static final int IPV4_MIN_HEADER = 20;
    /** Fixed IPv6 header. */
    public static final int IPV6_HEADER = 40;

    private IpPackets() {}

    /** 4, 6, or 0 when the packet is too short or of another version. */
    public static int version(ByteBuffer packet) {
        int length = packet.remaining();
        if (length < 1) {
            return 0;
        }
        int version = (packet.get(packet.position()) & 0xff) >>> 4;
        if (version == 4 && length >= IPV4_MIN_HEADER) {
            return 4;
        }
        if (version == 6 && length >= IPV6_HEADER) {
            return 6;
        }
        return 0;
    }

    /** The IPv4 source address as a big-endian int; call only when {@link #version} is 4. */
    public static int ipv4Source(ByteBuffer packet) {
        return packet.getInt(packet.position() + 12);
    }

    /** The IPv4 destination address as a big-endian int; call only when {@link #version} is 4. */
    public static int ipv4Destination(ByteBuffer packet) {
        return packet.getInt(packet.position() + 16);
    }

    /** Dotted-quad text of a big-endian IPv4 int, for logs. */
    public static String ipv4Text(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }
}
