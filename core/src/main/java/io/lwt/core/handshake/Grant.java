package io.lwt.core.handshake;

import io.lwt.api.IpPrefix;
import io.lwt.api.ProtocolException;
import io.lwt.api.ValueSyntax;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a hub grants a client, the WELCOME of earlier versions: the client's tunnel addresses, the tunnel's MTU, the
 * timers of the session and the networks the client routes into the tunnel.
 *
 * <pre>
 * address:4  prefix:u8  mtu:u16  keepaliveMs:u32  timeoutMs:u32  routeCount:u8  (route:4 prefix:u8)*
 * (extensionType:u8  extensionLength:u8  value)*
 * </pre>
 *
 * A reader skips the extension types it does not know. Type 1 is the client's IPv6 address ({@code address:16
 * prefix:u8}), type 2 an IPv6 route ({@code route:16 prefix:u8}, one per route), type 3 (empty) says the hub takes
 * DATA_GSO.
 *
 * @param ipv6Address the client's IPv6 address, or null when the tunnel carries no IPv6 for it
 * @param routes networks of either family to route into the tunnel, at most {@link #MAX_ROUTES} IPv4 and
 *     {@link #MAX_IPV6_ROUTES} IPv6 ones
 * @param takesSuperSegments whether the hub takes DATA_GSO messages
 */
public record Grant(IpPrefix address, IpPrefix ipv6Address, int mtu, Duration keepalive, Duration timeout,
        List<IpPrefix> routes, boolean takesSuperSegments) implements Answer {

    /** The most IPv4 routes in a grant. */
    public static final int MAX_ROUTES = 64;
    /** The most IPv6 routes in a grant: with the IPv4 ones, at most 996 bytes. */
    public static final int MAX_IPV6_ROUTES = 32;
    private static final int IPV6_ADDRESS = 1;
    private static final int IPV6_ROUTE = 2;
    private static final int TAKES_SUPER_SEGMENTS = 3;
    private static final int IPV6_PREFIX = 16 + 1;

    public Grant {
        routes = List.copyOf(routes);
        if (!address.isIpv4() || ipv6Address != null && ipv6Address.isIpv4()) {
            throw new IllegalArgumentException("welcome: an IPv4 address, then an IPv6 one or none");
        }
        long ipv6Routes = routes.stream().filter(r -> !r.isIpv4()).count();
        if (routes.size() - ipv6Routes > MAX_ROUTES || ipv6Routes > MAX_IPV6_ROUTES) {
            throw new IllegalArgumentException("welcome: at most " + MAX_ROUTES + " IPv4 and "
                    + MAX_IPV6_ROUTES + " IPv6 routes");
        }
    }

    @Override
    public void write(ByteBuffer out) {
        List<IpPrefix> ipv4Routes = routes.stream().filter(IpPrefix::isIpv4).toList();
        out.put(GRANT).put(address.address().getAddress()).put((byte) address.prefixLength()).putShort((short) mtu)
                .putInt((int) keepalive.toMillis()).putInt((int) timeout.toMillis()).put((byte) ipv4Routes.size());
        for (IpPrefix route : ipv4Routes) {
            out.put(route.address().getAddress()).put((byte) route.prefixLength());
        }
        if (ipv6Address != null) {
            writeIpv6(out, IPV6_ADDRESS, ipv6Address);
        }
        for (IpPrefix route : routes) {
            if (!route.isIpv4()) {
                writeIpv6(out, IPV6_ROUTE, route);
            }
        }
        if (takesSuperSegments) {
            out.put((byte) TAKES_SUPER_SEGMENTS).put((byte) 0);
        }
    }

    private static void writeIpv6(ByteBuffer out, int type, IpPrefix prefix) {
        out.put((byte) type).put((byte) IPV6_PREFIX).put(prefix.address().getAddress()).put((byte) prefix.prefixLength());
    }

    /** Reads a grant's body (after the answer's kind). */
    public static Grant read(ByteBuffer in) throws ProtocolException {
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
        return new Grant(address, ipv6Address, mtu, keepalive, timeout, routes, superSegments);
    }

    private static IpPrefix ipv6Prefix(ByteBuffer in, int length) throws ProtocolException {
        if (length != IPV6_PREFIX) {
            throw new ProtocolException("welcome: an IPv6 extension of " + length + " bytes, not " + IPV6_PREFIX);
        }
        return Wire.ipv6Prefix(in);
    }

    /** The client's addresses as text, e.g. {@code 10.0.0.2/24 fd00::2/64}. */
    public String addresses() {
        return address + (ipv6Address == null ? "" : " " + ipv6Address);
    }
}
