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

    /** The high 64 bits of the IPv6 source address; call only when {@link #version} is 6. */
    public static long ipv6SourceHigh(ByteBuffer packet) {
        return packet.getLong(packet.position() + 8);
    }

    /** The low 64 bits of the IPv6 source address; call only when {@link #version} is 6. */
    public static long ipv6SourceLow(ByteBuffer packet) {
        return packet.getLong(packet.position() + 16);
    }

    /** The high 64 bits of the IPv6 destination address; call only when {@link #version} is 6. */
    public static long ipv6DestinationHigh(ByteBuffer packet) {
        return packet.getLong(packet.position() + 24);
    }

    /** The low 64 bits of the IPv6 destination address; call only when {@link #version} is 6. */
    public static long ipv6DestinationLow(ByteBuffer packet) {
        return packet.getLong(packet.position() + 32);
    }

    /** The source address as text, for logs (this allocates); {@code ?} when the packet is not valid IP. */
    public static String sourceText(ByteBuffer packet) {
        return switch (version(packet)) {
            case 4 -> ipv4Text(ipv4Source(packet));
            case 6 -> ipv6Text(ipv6SourceHigh(packet), ipv6SourceLow(packet));
            default -> "?";
        };
    }

    /**
     * The text of an IPv6 address given as two big-endian halves, for logs: lower-case groups with the longest run
     * of zero groups shortened to {@code ::} (RFC 5952), e.g. {@code fd00::2}.
     */
    public static String ipv6Text(long high, long low) {
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
            groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(j, i + 1);
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** Dotted-quad text of a big-endian IPv4 int, for logs. */
    public static String ipv4Text(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }
}
