package io.lwt.core;

import io.lwt.api.IpPrefix;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * An address or network of either family as 128 bits in two longs with its mask, so that matching a packet's
 * address allocates nothing. An IPv4 network sits in the low 32 bits; the families are never compared with each other
 * (they are kept apart by whoever holds networks of both).
 *
 * @param prefixLength the prefix length within its own family (0..32 or 0..128)
 */
record Network(long high, long low, long maskHigh, long maskLow, int prefixLength) {

    static Network of(IpPrefix prefix) {
        byte[] bytes = prefix.address().getAddress();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        boolean ipv4 = bytes.length == 4;
        int bits = prefix.prefixLength() + (ipv4 ? 96 : 0);
        long maskHigh = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
        long maskLow = bits <= 64 ? 0 : -1L << (128 - bits);
        long high = ipv4 ? 0 : b.getLong(0);
        long low = ipv4 ? ipv4Key(b.getInt(0)) : b.getLong(8);
        return new Network(high & maskHigh, low & maskLow, maskHigh, maskLow, prefix.prefixLength());
    }

    /** A single address, as a network of its full length. */
    static Network of(InetAddress address) {
        return of(new IpPrefix(address, address.getAddress().length * 8));
    }

    /** The low half under which an IPv4 address (a big-endian int) is kept. */
    static long ipv4Key(int address) {
        return Integer.toUnsignedLong(address);
    }

    boolean contains(long high, long low) {
        return (high & maskHigh) == this.high && (low & maskLow) == this.low;
    }
}
