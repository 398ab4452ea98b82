package io.lwt.api.tun;

import io.lwt.api.IpPrefix;
import java.util.List;
import java.util.Objects;

/**
 * What a node asks of its TUN device.
 *
 * @param name device name, or {@code null} to let the kernel choose one
 * @param address the node's tunnel address and prefix
 * @param mtu the device MTU, which bounds every packet read from or written to it
 * @param routes networks to route into the device besides the address's own (e.g. subnets behind other clients)
 */
public record TunOptions(String name, IpPrefix address, int mtu, List<IpPrefix> routes) {

    /** IPv4's minimum MTU; 576 carries every packet the IPv4 minimum reassembly size allows. */
    public static final int MIN_MTU = 576;
    public static final int MAX_MTU = 65535;

    /** Options with no routes besides the address's own network. */
    public TunOptions(String name, IpPrefix address, int mtu) {
        this(name, address, mtu, List.of());
    }

    public TunOptions {
        Objects.requireNonNull(address, "address");
        routes = List.copyOf(routes);
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("mtu " + mtu + " is out of range " + MIN_MTU + ".." + MAX_MTU);
        }
        if (name != null && (name.isEmpty() || name.length() > 15 || !name.matches("[A-Za-z0-9_.%-]+"))) {
            throw new IllegalArgumentException("invalid device name '" + name + "' (1-15 of letters, digits, _ . - %)");
        }
    }
}
