package io.lwt.core;

import io.lwt.api.IpPackets;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * The original program's protocol: no handshake, anyone may connect, and a client's tunnel address is learned from
 * the source of its first unicast IPv4 packet. The first claimant keeps an address until its session ends; a later
 * claimant's packets from it are dropped (the original let any newcomer take an address over).
 */
final class LegacyHub implements HubProtocol {

    private static final System.Logger LOG = System.getLogger(HubNode.class.getName());

    private final AddressTable<Session> addresses;
    private final Counters counters;

    LegacyHub(AddressTable<Session> addresses, Counters counters) {
        this.addresses = addresses;
        this.counters = counters;
    }

    @Override
    public String refusal(InetAddress remote, long inHandshake) {
        return null;
    }

    @Override
    public Opening opened(Session session) {
        session.establish(Established.legacy(null)); // the address is learned from the first packet
        return null;
    }

    @Override
    public boolean admits(Session from, ByteBuffer packet) {
        return !from.tunnelAddressUnknown() || learnAddress(from, packet);
    }

    /**
     * Registers the source of the session's first unicast IPv4 packet as its tunnel address. Returns false (drop)
     * when the packet claims an address another live session owns.
     */
    private boolean learnAddress(Session session, ByteBuffer packet) {
        if (IpPackets.version(packet) != 4) {
            return true; // e.g. IPv6 router solicitations before any IPv4 traffic: forward, learn nothing
        }
        int source = IpPackets.ipv4Source(packet);
        if (source == 0 || (source >>> 28) >= 14) {
            return true; // unspecified, multicast or reserved: not an address a client owns
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

    @Override
    public boolean superSegments() {
        return false;
    }

    @Override
    public Duration handshakeTimeout() {
        return HubAccess.Secure.DEFAULT_HANDSHAKE_TIMEOUT; // a legacy session is established at once
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
