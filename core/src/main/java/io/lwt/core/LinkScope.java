package io.lwt.core;

import io.lwt.api.IpPackets;
import java.nio.ByteBuffer;

/**
 * IPv6 packets that belong to one link and so never cross the tunnel: multicast (ff00::/8: router solicitations,
 * MLD reports, neighbour discovery) and link-local (fe80::/10) ones. Every TUN device is a link of its own, and the
 * kernel sends these on each new one; nodes drop them where they enter the tunnel, counted under their own reason and
 * never logged per packet. IPv4 packets are left alone.
 */
final class LinkScope {

    static final String MULTICAST = "ipv6-multicast";
    static final String LINK_LOCAL = "ipv6-link-local";

    /** fe80::/10 as the top ten bits of an address's high half. */
    private static final long LINK_LOCAL_PREFIX = 0xfe80L >>> 6;

    private LinkScope() {}

    /** The reason to drop the packet, or null when it may be routed. */
    static String dropReason(ByteBuffer packet) {
        if (IpPackets.version(packet) != 6) {
            return null;
        }
        long destination = IpPackets.ipv6DestinationHigh(packet);
        if (destination >>> 56 == 0xff) {
            return MULTICAST;
        }
        if (destination >>> 54 == LINK_LOCAL_PREFIX || IpPackets.ipv6SourceHigh(packet) >>> 54 == LINK_LOCAL_PREFIX) {
            return LINK_LOCAL;
        }
        return null;
    }
}
