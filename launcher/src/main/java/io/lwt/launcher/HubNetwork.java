package io.lwt.launcher;

import io.lwt.api.IpPrefix;
import io.lwt.core.HubAccess.AddressRange;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tunnel network of one family that a hub's address spans (its {@code address:} with its prefix), and which of
 * its addresses a client may be given. {@link Topology} checks pools, fixed addresses and client routes against it.
 */
record HubNetwork(IpPrefix hub) {

    /** Whether {@code address}, of any family, lies inside the network. */
    boolean contains(InetAddress address) {
        return address.getAddress().length == bits() / 8 && prefixOf(number(address)).equals(network());
    }

    boolean contains(AddressRange range) {
        return contains(range.first()) && contains(range.last());
    }

    /** Whether {@code route} and the network share an address: one contains the other. */
    boolean overlaps(IpPrefix route) {
        int shorter = Math.min(route.prefixLength(), hub.prefixLength());
        return route.isIpv4() == hub.isIpv4()
                && mask(number(route.address()), shorter).equals(mask(number(hub.address()), shorter));
    }

    /**
     * The addresses no client may have, each with what it is: the hub's own; for IPv4 the network and broadcast
     * addresses, which the kernel does not route to one host; for IPv6 the subnet-router anycast address (RFC 4291
     * 2.6.1), which a forwarding hub's kernel answers itself. Point-to-point prefixes (/31, /127) have neither.
     */
    Map<InetAddress, String> reserved() {
        Map<InetAddress, String> reserved = new LinkedHashMap<>();
        reserved.put(hub.address(), "the hub's own address");
        if (bits() - hub.prefixLength() >= 2) {
            reserved.putIfAbsent(address(network()), hub.isIpv4() ? "the network address of " + this
                    : "the subnet-router anycast address of " + this);
            if (hub.isIpv4()) {
                BigInteger hostBits = BigInteger.ONE.shiftLeft(bits() - hub.prefixLength()).subtract(BigInteger.ONE);
                reserved.putIfAbsent(address(network().or(hostBits)), "the broadcast address of " + this);
            }
        }
        return reserved;
    }

    /** What a reserved address inside {@code range} is, if there is one. */
    Optional<String> reservedIn(AddressRange range) {
        return reserved().entrySet().stream().filter(r -> range.contains(r.getKey()))
                .map(r -> IpPrefix.text(r.getKey()) + ", " + r.getValue()).findFirst();
    }

    /** The network as it is written, e.g. {@code 10.0.0.0/24}. */
    @Override
    public String toString() {
        return IpPrefix.text(address(network())) + "/" + hub.prefixLength();
    }

    private BigInteger network() {
        return prefixOf(number(hub.address()));
    }

    private BigInteger prefixOf(BigInteger address) {
        return mask(address, hub.prefixLength());
    }

    private BigInteger mask(BigInteger address, int length) {
        return address.shiftRight(bits() - length).shiftLeft(bits() - length);
    }

    private int bits() {
        return hub.isIpv4() ? 32 : 128;
    }

    private static BigInteger number(InetAddress address) {
        return new BigInteger(1, address.getAddress());
    }

    private InetAddress address(BigInteger number) {
        byte[] raw = number.toByteArray(); // big-endian, possibly with a leading sign byte or fewer bytes
        byte[] bytes = new byte[bits() / 8];
        int copied = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copied, bytes, bytes.length - copied, copied);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
