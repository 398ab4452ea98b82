package io.lwt.core.handshake;

import io.lwt.api.IpPrefix;
import java.time.Duration;
import java.util.List;

/**
 * What a hub grants a client in its WELCOME: the client's tunnel addresses, the tunnel's MTU, the timers of the
 * session and the networks the client routes into the tunnel.
 *
 * @param ipv6Address the client's IPv6 address, or null when the tunnel carries no IPv6 for it
 * @param routes networks of either family to route into the tunnel, at most {@link Welcome#MAX_ROUTES} IPv4 and
 *     {@link Welcome#MAX_IPV6_ROUTES} IPv6 ones
 * @param takesSuperSegments whether the hub takes DATA_GSO messages
 */
public record Grant(IpPrefix address, IpPrefix ipv6Address, int mtu, Duration keepalive, Duration timeout,
        List<IpPrefix> routes, boolean takesSuperSegments) {

    public Grant {
        routes = List.copyOf(routes);
        if (!address.isIpv4() || ipv6Address != null && ipv6Address.isIpv4()) {
            throw new IllegalArgumentException("welcome: an IPv4 address, then an IPv6 one or none");
        }
        long ipv6Routes = routes.stream().filter(r -> !r.isIpv4()).count();
        if (routes.size() - ipv6Routes > Welcome.MAX_ROUTES || ipv6Routes > Welcome.MAX_IPV6_ROUTES) {
            throw new IllegalArgumentException("welcome: at most " + Welcome.MAX_ROUTES + " IPv4 and "
                    + Welcome.MAX_IPV6_ROUTES + " IPv6 routes");
        }
    }

    /** The client's addresses as text, e.g. {@code 10.0.0.2/24 fd00::2/64}. */
    public String addresses() {
        return address + (ipv6Address == null ? "" : " " + ipv6Address);
    }
}
