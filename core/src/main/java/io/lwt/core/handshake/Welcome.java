package io.lwt.core.handshake;

import io.lwt.api.IpPrefix;
import io.lwt.api.ProtocolException;
import io.lwt.api.ValueSyntax;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hub to client: the hub's proof that it holds the client's key, and the client's {@link Grant}.
 *
 * <p>The extensions came after the IPv4 routes: a reader skips the types it does not know, and readers from before
 * them stop after the IPv4 routes, so a hub can send them to any client. Type 1 is the client's IPv6 address
 * ({@code address:16 prefix:u8}), type 2 an IPv6 route ({@code route:16 prefix:u8}, one per route), type 3 (empty)
 * says the hub takes DATA_GSO.
 */
public record Welcome(byte[] proof, Grant grant) implements HandshakeMessage {

    public static final byte TYPE = 0x12;
    /** The most IPv4 routes in a WELCOME. */
    public static final int MAX_ROUTES = 64;
    /** The most IPv6 routes in a WELCOME: with the IPv4 ones, at most 996 bytes, within IPv6's minimum MTU. */
    public static final int MAX_IPV6_ROUTES = 32;
    private static final int IPV6_ADDRESS = 1;
    private static final int IPV6_ROUTE = 2;
    private static final int TAKES_SUPER_SEGMENTS = 3;
    private static final int IPV6_PREFIX = 16 + 1;

    @Override
    public byte type() {
        return TYPE;
    }

    @Override
    public void write(ByteBuffer out) {
        Grant g = grant;
        List<IpPrefix> ipv4Routes = g.routes().stream().filter(IpPrefix::isIpv4).toList();
        out.put((byte) VERSION).put(proof).put(g.address().address().getAddress()).put((byte) g.address().prefixLength())
                .putShort((short) g.mtu()).putInt((int) g.keepalive().toMillis()).putInt((int) g.timeout().toMillis())
                .put((byte) ipv4Routes.size());
        for (IpPrefix route : ipv4Routes) {
            out.put(route.address().getAddress()).put((byte) route.prefixLength());
        }
        if (g.ipv6Address() != null) {
            writeIpv6(out, IPV6_ADDRESS, g.ipv6Address());
        }
        for (IpPrefix route : g.routes()) {
            if (!route.isIpv4()) {
                writeIpv6(out, IPV6_ROUTE, route);
            }
        }
        if (g.takesSuperSegments()) {
            out.put((byte) TAKES_SUPER_SEGMENTS).put((byte) 0);
        }
    }

    private static void writeIpv6(ByteBuffer out, int type, IpPrefix prefix) {
        out.put((byte) type).put((byte) IPV6_PREFIX).put(prefix.address().getAddress()).put((byte) prefix.prefixLength());
    }

    public static Welcome read(ByteBuffer in) throws ProtocolException {
        Wire.checkVersion(in);
        byte[] proof = Wire.bytes(in, Proofs.PROOF, "welcome");
        IpPrefix address = Wire.ipv4Prefix(in);
        if (in.remaining() < 2 + 4 + 4 + 1) {
            throw new ProtocolException("welcome: truncated");
        }
        int mtu = Short.toUnsignedInt(in.getShort());
        Duration keepalive = Duration.ofMillis(Integer.toUnsignedLong(in.getInt()));
        Duration timeout = Duration.ofMillis(Integer.toUnsignedLong(in.getInt()));
        if (keepalive.isZero()) {
            throw new ProtocolException("welcome: keepalive 0s must be positive");
        }
        if (timeout.compareTo(keepalive) <= 0) {
            throw new ProtocolException("welcome: timeout " + ValueSyntax.text(timeout) + " must be longer than keepalive "
                    + ValueSyntax.text(keepalive));
        }
        int count = Wire.unsigned(in, "welcome");
        if (count > MAX_ROUTES) {
            throw new ProtocolException("welcome: " + count + " routes, at most " + MAX_ROUTES);
        }
        List<IpPrefix> routes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            routes.add(Wire.ipv4Prefix(in));
        }
        IpPrefix ipv6Address = null;
        int ipv6Routes = 0;
        boolean superSegments = false;
        while (in.hasRemaining()) {
            int type = Wire.unsigned(in, "welcome");
            int length = Wire.unsigned(in, "welcome");
            if (in.remaining() < length) {
                throw new ProtocolException("welcome: truncated");
            }
            switch (type) {
                case IPV6_ADDRESS -> {
                    if (ipv6Address != null) {
                        throw new ProtocolException("welcome: two IPv6 addresses");
                    }
                    ipv6Address = ipv6Prefix(in, length);
                }
                case IPV6_ROUTE -> {
                    if (++ipv6Routes > MAX_IPV6_ROUTES) {
                        throw new ProtocolException("welcome: more than " + MAX_IPV6_ROUTES + " IPv6 routes");
                    }
                    routes.add(ipv6Prefix(in, length));
                }
                case TAKES_SUPER_SEGMENTS -> {
                    superSegments = true;
                    in.position(in.position() + length);
                }
                default -> in.position(in.position() + length); // a later hub's extension
            }
        }
        return new Welcome(proof, new Grant(address, ipv6Address, mtu, keepalive, timeout, routes, superSegments));
    }

    private static IpPrefix ipv6Prefix(ByteBuffer in, int length) throws ProtocolException {
        if (length != IPV6_PREFIX) {
            throw new ProtocolException("welcome: an IPv6 extension of " + length + " bytes, not " + IPV6_PREFIX);
        }
        return Wire.ipv6Prefix(in);
    }
}
