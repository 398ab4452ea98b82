package io.lwt.core.handshake;

import io.lwt.api.IpPrefix;
import io.lwt.api.ProtocolException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Reading the handshake's fields, each a {@link ProtocolException} naming the message when it is short or wrong. */
final class Wire {

    private Wire() {}

    static void checkVersion(ByteBuffer in) throws ProtocolException {
        int version = unsigned(in, "handshake");
        if (version != HandshakeMessage.VERSION) {
            throw new ProtocolException("handshake version " + version + " is not supported (this node speaks "
                    + HandshakeMessage.VERSION + ")");
        }
    }

    static int unsigned(ByteBuffer in, String what) throws ProtocolException {
        if (!in.hasRemaining()) {
            throw new ProtocolException(what + ": truncated");
        }
        return Byte.toUnsignedInt(in.get());
    }

    static byte[] bytes(ByteBuffer in, int n, String what) throws ProtocolException {
        if (in.remaining() < n) {
            throw new ProtocolException(what + ": truncated");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    static IpPrefix ipv4Prefix(ByteBuffer in) throws ProtocolException {
        byte[] address = bytes(in, 4, "welcome");
        int length = unsigned(in, "welcome");
        try {
            InetAddress a = InetAddress.getByAddress(address);
            if (!(a instanceof Inet4Address) || length > 32) {
                throw new ProtocolException("welcome: invalid prefix length " + length);
            }
            return new IpPrefix(a, length);
        } catch (UnknownHostException e) {
            throw new ProtocolException("welcome: invalid address");
        }
    }

    static IpPrefix ipv6Prefix(ByteBuffer in) throws ProtocolException {
        byte[] address = bytes(in, 16, "welcome");
        int prefixLength = unsigned(in, "welcome");
        if (prefixLength > 128) {
            throw new ProtocolException("welcome: invalid IPv6 prefix length " + prefixLength);
        }
        try {
            // Inet6Address even for an IPv4-mapped address, which InetAddress.getByAddress would turn into IPv4
            return new IpPrefix(Inet6Address.getByAddress(null, address, -1), prefixLength);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes are always an address
        }
    }
}
