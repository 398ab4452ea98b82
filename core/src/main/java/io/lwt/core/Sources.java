package io.lwt.core;

import io.lwt.api.IpPackets;
import io.lwt.api.IpPrefix;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The source addresses a client may send from: its tunnel addresses (IPv4, and IPv6 when it has one) and the subnets
 * it declares behind it. Immutable; checking a packet allocates nothing.
 */
final class Sources {

    /** Allows nothing: a session that the hub does not police (legacy mode, or the client's own session). */
    static final Sources NONE = new Sources(null, null, List.of());

    private final Network[] ipv4;
    private final Network[] ipv6;

    /** @param ipv4Address the client's IPv4 address, or null; @param ipv6Address its IPv6 one, or null */
    Sources(InetAddress ipv4Address, InetAddress ipv6Address, List<IpPrefix> subnets) {
        List<Network> v4 = new ArrayList<>();
        List<Network> v6 = new ArrayList<>();
        if (ipv4Address != null) {
            v4.add(Network.of(ipv4Address));
        }
        if (ipv6Address != null) {
            v6.add(Network.of(ipv6Address));
        }
        for (IpPrefix subnet : subnets) {
            (subnet.isIpv4() ? v4 : v6).add(Network.of(subnet));
        }
        this.ipv4 = v4.toArray(Network[]::new);
        this.ipv6 = v6.toArray(Network[]::new);
    }

    /** Whether the packet's source is one of these; false for a packet that is not valid IP. */
    boolean allows(ByteBuffer packet) {
        return switch (IpPackets.version(packet)) {
            case 4 -> any(ipv4, 0, Network.ipv4Key(IpPackets.ipv4Source(packet)));
            case 6 -> any(ipv6, IpPackets.ipv6SourceHigh(packet), IpPackets.ipv6SourceLow(packet));
            default -> false;
        };
    }

    private static boolean any(Network[] networks, long high, long low) {
        for (Network network : networks) {
            if (network.contains(high, low)) {
                return true;
            }
        }
        return false;
    }
}
