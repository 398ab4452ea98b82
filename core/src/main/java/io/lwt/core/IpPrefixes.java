package io.lwt.core;

import io.lwt.api.IpPrefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** IPv4 addresses as big-endian ints, the form the address table keys on, and back. */
final class IpPrefixes {

    private IpPrefixes() {}

    static int ipv4(InetAddress address) {
        return ByteBuffer.wrap(address.getAddress()).getInt();
    }

    static IpPrefix withLength(int address, int prefixLength) {
        try {
            return new IpPrefix(InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(address).array()), prefixLength);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
