package io.lwt.tun.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * struct ifreq (40 bytes on Linux x86_64/aarch64): the interface name in the first 16 bytes, then a union that
 * holds flags, an MTU, an interface index or a struct sockaddr_in, depending on the request.
 */
final class Ifreq {

    static final int SIZE = 40;
    private static final int NAME_SIZE = 16;
    private static final int UNION = 16;

    private final ByteBuffer bytes = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());

    Ifreq(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        bytes.put(0, n, 0, Math.min(n.length, NAME_SIZE - 1));
    }

    byte[] array() {
        return bytes.array();
    }

    String name() {
        byte[] b = bytes.array();
        int end = 0;
        while (end < NAME_SIZE && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.US_ASCII);
    }

    Ifreq flags(short flags) {
        bytes.putShort(UNION, flags);
        return this;
    }

    short flags() {
        return bytes.getShort(UNION);
    }

    int mtu() {
        return bytes.getInt(UNION);
    }

    /** The interface index, as SIOCGIFINDEX returns it. */
    int index() {
        return bytes.getInt(UNION);
    }

    /** The address of a struct sockaddr_in, as SIOCGIFADDR returns it. */
    byte[] ipv4() {
        byte[] address = new byte[4];
        bytes.get(UNION + 4, address);
        return address;
    }

    Ifreq mtu(int mtu) {
        bytes.putInt(UNION, mtu);
        return this;
    }

    /** A struct sockaddr_in: family in host order, port 0, the address in network order. */
    Ifreq ipv4(byte[] address) {
        bytes.putShort(UNION, (short) LibC.AF_INET).putShort(UNION + 2, (short) 0).put(UNION + 4, address);
        return this;
    }
}
