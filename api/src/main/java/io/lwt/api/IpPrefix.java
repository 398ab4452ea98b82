package io.lwt.api;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * An interface address with its prefix length, such as {@code 10.0.0.2/24}. Only literal addresses are
 * accepted: parsing never does a DNS lookup.
 */
public record IpPrefix(InetAddress address, int prefixLength) {

    public IpPrefix {
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0.." + max);
        }
    }

    /**
     * Parses {@code address/prefix}; a bare address gets the full-length prefix.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static IpPrefix parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress address = literal(host);
        int max = address instanceof Inet4Address ? 32 : 128;
        int length = max;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid prefix length in '" + text + "'");
            }
        }
        return new IpPrefix(address, length);
    }

    /** Parses a literal IPv4 or IPv6 address without any name lookup. */
    public static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] bytes = ipv4Bytes(h);
        if (bytes == null && h.indexOf(':') >= 0 && h.matches("[0-9a-fA-F:.%]+")) {
            try {
                return InetAddress.getByName(h); // a literal with ':' is never looked up
            } catch (UnknownHostException e) {
                bytes = null;
            }
        }
        if (bytes == null) {
            throw new IllegalArgumentException("'" + host + "' is not an IP address");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] ipv4Bytes(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("\\d{1,3}")) {
                return null;
            }
            int octet = Integer.parseInt(parts[i]);
            if (octet > 255) {
                return null;
            }
            bytes[i] = (byte) octet;
        }
        return bytes;
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The IPv4 address as a big-endian int; only for IPv4 prefixes. */
    public int ipv4() {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** Whether an IPv4 address (big-endian int) lies inside this prefix's network. */
    public boolean containsIpv4(int other) {
        if (!isIpv4()) {
            return false;
        }
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return (ipv4() & mask) == (other & mask);
    }

    /**
     * The usual text of an address: a dotted quad, or for IPv6 the shortest form ({@code fd00::2}, RFC 5952) rather
     * than the JDK's {@code fd00:0:0:0:0:0:0:2}.
     */
    public static String text(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return address.getHostAddress();
        }
        ByteBuffer halves = ByteBuffer.wrap(b);
        return IpPackets.ipv6Text(halves.getLong(0), halves.getLong(8));
    }

    @Override
    public String toString() {
        return text(address) + "/" + prefixLength;
    }
}
