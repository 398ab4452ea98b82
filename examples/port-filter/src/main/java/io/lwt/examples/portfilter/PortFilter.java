package io.lwt.examples.portfilter;

import io.lwt.api.IpPackets;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import io.lwt.api.routing.Route;
import io.lwt.api.routing.RoutingPolicy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

/** Hub routing with an allow-list on what clients send. Immutable; reads packets in place, allocates nothing. */
final class PortFilter implements RoutingPolicy {

    static final Route.Drop FILTERED = new Route.Drop("filtered");
    private static final int ICMP = 1;
    private static final int TCP = 6;
    private static final int UDP = 17;

    /** A protocol, and for TCP and UDP a destination port (-1: any). */
    record Rule(int protocol, int port) {
        static Rule parse(String text) {
            String[] parts = text.trim().toLowerCase(Locale.ROOT).split("/", 2);
            int protocol = switch (parts[0]) {
                case "icmp" -> ICMP;
                case "tcp" -> TCP;
                case "udp" -> UDP;
                default -> throw new IllegalArgumentException("'" + text + "': expected icmp, tcp/PORT or udp/PORT");
            };
            if (parts.length == 1) {
                return new Rule(protocol, -1);
            }
            if (protocol == ICMP) {
                throw new IllegalArgumentException("'" + text + "': icmp has no ports");
            }
            try {
                int port = Integer.parseInt(parts[1]);
                if (port < 1 || port > 65535) {
                    throw new NumberFormatException();
                }
                return new Rule(protocol, port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "': invalid port");
            }
        }
    }

    private final Rule[] rules;

    PortFilter(List<Rule> rules) {
        this.rules = rules.toArray(Rule[]::new);
    }

    @Override
    public Route fromPeer(Peer source, ByteBuffer packet, PeerDirectory peers) {
        if (IpPackets.version(packet) != 4) {
            return Route.MALFORMED;
        }
        if (!allowed(packet)) {
            return FILTERED;
        }
        Peer owner = peers.destinationOwner(packet);
        if (owner == null) {
            return Route.TO_TUN;
        }
        return owner == source ? Route.LOOP : owner.route();
    }

    @Override
    public Route fromTun(ByteBuffer packet, PeerDirectory peers) {
        Peer owner = peers.destinationOwner(packet);
        return owner == null ? Route.NO_ROUTE : owner.route();
    }

    private boolean allowed(ByteBuffer packet) {
        int start = packet.position();
        int protocol = packet.get(start + 9) & 0xff;
        int headerLength = (packet.get(start) & 0x0f) * 4;
        int port = -1;
        if ((protocol == TCP || protocol == UDP) && packet.remaining() >= headerLength + 4) {
            port = Short.toUnsignedInt(packet.getShort(start + headerLength + 2));
        }
        for (Rule rule : rules) {
            if (rule.protocol() == protocol && (rule.port() == -1 || rule.port() == port)) {
                return true;
            }
        }
        return false;
    }
}
