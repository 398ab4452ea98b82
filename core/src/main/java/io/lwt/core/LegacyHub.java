package io.lwt.core;

import io.lwt.api.IpPackets;
import io.lwt.api.IpPrefix;
import io.lwt.api.ValueSyntax;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * The original program's protocol: no handshake, anyone may connect, and a client's tunnel address is learned from
 * the source of its first unicast IPv4 packet. What it cannot authenticate it at least bounds: the address must be a
 * client's address of the hub's tunnel network (not the hub's own, the network's or its broadcast), the first
 * claimant keeps it until its session ends (the original let any newcomer take an address over), every later packet
 * must come from it, and the limits of secure hubs apply: connections per second from one address, connections that
 * have not yet sent their first packet, and a deadline for that packet.
 */
final class LegacyHub implements HubProtocol {

    private static final System.Logger LOG = System.getLogger(HubNode.class.getName());

    private final AddressTable<Session> addresses;
    private final Counters counters;
    private final Capacity capacity;
    private final IpPrefix network;
    private final ConnectionRate connectionRate = new ConnectionRate(HubAccess.Secure.DEFAULT_CONNECTION_RATE);

    LegacyHub(AddressTable<Session> addresses, Counters counters, Capacity capacity, IpPrefix hubAddress) {
        this.addresses = addresses;
        this.counters = counters;
        this.capacity = capacity;
        this.network = hubAddress;
    }

    @Override
    public String refusal(InetAddress remote) {
        return connectionRate.admit(remote, System.nanoTime()) ? null : connectionRate.refusal(remote);
    }

    @Override
    public int maxHandshakes() {
        return HubAccess.Secure.DEFAULT_MAX_HANDSHAKES;
    }

    @Override
    public Opening opened(Session session) {
        session.establish(Established.legacy(null)); // the address is learned from the first packet
        return null;
    }

    /** A session that has not claimed its address is still "in the handshake", for the limits. */
    @Override
    public boolean inHandshake(Session session) {
        return session.tunnelAddressUnknown();
    }

    @Override
    public String overdue(Session session, Duration age) {
        return session.tunnelAddressUnknown() && age.compareTo(handshakeTimeout()) > 0
                ? "no IPv4 packet to learn its address from within " + ValueSyntax.text(handshakeTimeout()) : null;
    }

    @Override
    public boolean admits(Session from, ByteBuffer packet) {
        if (from.tunnelAddressUnknown()) {
            return learnAddress(from, packet);
        }
        if (IpPackets.version(packet) != 4 || addresses.ownerOf(IpPackets.ipv4Source(packet)) != from) {
            counters.drop("spoofed-source", from.name() + " sent a packet from " + IpPackets.sourceText(packet));
            return false;
        }
        return true;
    }

    /**
     * Registers the source of the session's first unicast IPv4 packet as its tunnel address. Returns false (drop)
     * when it is not a client's address of the tunnel network, or another live session owns it.
     */
    private boolean learnAddress(Session session, ByteBuffer packet) {
        if (IpPackets.version(packet) != 4) {
            return true; // e.g. IPv6 router solicitations before any IPv4 traffic: forward, learn nothing
        }
        int source = IpPackets.ipv4Source(packet);
        if (source == 0 || (source >>> 28) >= 14) {
            return true; // unspecified, multicast or reserved: not an address a client owns
        }
        String refused = refusal(source);
        if (refused != null) {
            counters.drop("address-refused", session.name() + " sent from " + IpPackets.ipv4Text(source) + ", " + refused);
            return false;
        }
        String full = capacity.full(null);
        if (full != null) {
            session.close("no room: " + full);
            return false;
        }
        Session owner = addresses.claim(source, session);
        if (owner != session) {
            counters.drop("address-taken", session.name() + " sent from " + IpPackets.ipv4Text(source)
                    + ", which belongs to " + owner.name());
            return false;
        }
        session.tunnelAddress(IpPackets.ipv4Text(source), IpPackets.ipv4Text(source));
        LOG.log(Level.INFO, "session {0} registered", session.name());
        return true;
    }

    /** Why an address may not be a client's, or null: outside the network, the hub's, the network's or broadcast. */
    private String refusal(int address) {
        int bits = network.prefixLength();
        int mask = bits == 0 ? 0 : -1 << (32 - bits);
        int hub = ByteBuffer.wrap(network.address().getAddress()).getInt();
        if ((address & mask) != (hub & mask)) {
            return "outside the tunnel network " + IpPrefix.text(network.address()) + "/" + bits;
        }
        if (address == hub) {
            return "the hub's own address";
        }
        if (bits <= 30 && ((address & ~mask) == 0 || (address | mask) == -1)) {
            return "the network's or its broadcast address";
        }
        return null;
    }

    @Override
    public boolean superSegments() {
        return false;
    }

    @Override
    public Duration handshakeTimeout() {
        return HubAccess.Secure.DEFAULT_HANDSHAKE_TIMEOUT; // for the first packet
    }

    @Override
    public List<String> reload(HubAccess next, List<String> applied) {
        return List.of();
    }

    @Override
    public long handshakeFailures() {
        return 0; // no handshake
    }

    @Override
    public long replacedSessions() {
        return 0;
    }
}
