package io.lwt.api.tun;

import io.lwt.api.IpPrefix;
import java.util.List;
import java.util.Objects;

/**
 * What a node asks of its TUN device.
 *
 * @param name device name, or {@code null} to let the kernel choose one
 * @param address the node's IPv4 tunnel address and prefix
 * @param ipv6Address the node's IPv6 tunnel address and prefix, or {@code null} when the tunnel carries no IPv6 for
 *     this node
 * @param mtu the device MTU, which bounds every packet read from or written to it
 * @param routes networks of either family to route into the device besides the addresses' own (e.g. subnets behind
 *     other clients)
 */
public record TunOptions(String name, IpPrefix address, IpPrefix ipv6Address, int mtu, List<IpPrefix> routes) {

    /** IPv4's minimum MTU; 576 carries every packet the IPv4 minimum reassembly size allows. */
    public static final int MIN_MTU = 576;
    /** IPv6's minimum link MTU (RFC 8200): a device with a smaller one carries no IPv6. */
    public static final int MIN_IPV6_MTU = 1280;
    public static final int MAX_MTU = 65535;

    /** Options with no IPv6 address and no routes besides the address's own network. */
    public TunOptions(String name, IpPrefix address, int mtu) {
        this(name, address, null, mtu, List.of());
    }

    /** Options with no IPv6 address. */
    public TunOptions(String name, IpPrefix address, int mtu, List<IpPrefix> routes) {
        this(name, address, null, mtu, routes);
    }

    public TunOptions {
        Objects.requireNonNull(address, "address");
        routes = List.copyOf(routes);
        if (!address.isIpv4()) {
            throw new IllegalArgumentException("the tunnel address " + address + " must be IPv4 (an IPv6 one comes second)");
        }
        if (ipv6Address != null && ipv6Address.isIpv4()) {
            throw new IllegalArgumentException("the IPv6 tunnel address " + ipv6Address + " is IPv4");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("mtu " + mtu + " is out of range " + MIN_MTU + ".." + MAX_MTU);
        }
        if (mtu < MIN_IPV6_MTU && (ipv6Address != null || routes.stream().anyMatch(r -> !r.isIpv4()))) {
            throw new IllegalArgumentException("mtu " + mtu + " is too small for IPv6, which needs at least " + MIN_IPV6_MTU);
        }
        if (name != null && (name.isEmpty() || name.length() > 15 || !name.matches("[A-Za-z0-9_.%-]+"))) {
            throw new IllegalArgumentException("invalid device name '" + name + "' (1-15 of letters, digits, _ . - %)");
        }
    }
}
