package io.lwt.core;

import io.lwt.api.IpPackets;
import io.lwt.api.IpPrefix;
import io.lwt.api.routing.Route;
import io.lwt.api.tun.TunOptions;
import io.lwt.core.handshake.Grant;
import io.lwt.core.handshake.HandshakeMessage;
import io.lwt.core.handshake.Hello;
import io.lwt.core.handshake.HubHandshake;
import io.lwt.core.handshake.Reject;
import io.lwt.core.handshake.Welcome;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The secure protocol of a hub: clients prove their key in the handshake ({@link HubHandshake}) and get their
 * addresses, fixed or from the pool, in the WELCOME; afterwards a client may send only from its own addresses and the
 * subnets behind it. The accept thread asks for the connection limits, sessions' readers run the handshakes, and a
 * reload replaces the access (the clients and limits), read once per decision.
 */
final class SecureHub implements HubProtocol {

    private static final System.Logger LOG = System.getLogger(HubNode.class.getName());

    private volatile HubAccess.Secure access;
    /** Used by the accept thread only; replaced by {@link #reload} when the rate changes. */
    private volatile ConnectionRate connectionRate;
    private final TunOptions tun;
    private final SessionSettings session;
    /** Pool addresses by client name; null without a pool. */
    private final PoolState pool;
    private final AddressTable<Session> addresses;
    private final Counters counters;
    private final LongAdder handshakeFailures = new LongAdder();
    private final LongAdder replaced = new LongAdder();

    SecureHub(HubAccess.Secure access, TunOptions tun, SessionSettings session, PoolState pool,
            AddressTable<Session> addresses, Counters counters) {
        this.access = access;
        this.connectionRate = new ConnectionRate(access.connectionRate());
        this.tun = tun;
        this.session = session;
        this.pool = pool;
        this.addresses = addresses;
        this.counters = counters;
    }

    @Override
    public long handshakeFailures() {
        return handshakeFailures.sum();
    }

    @Override
    public long replacedSessions() {
        return replaced.sum();
    }

    @Override
    public String refusal(InetAddress remote, long inHandshake) {
        HubAccess.Secure a = access;
        if (!connectionRate.admit(remote, System.nanoTime())) {
            return "more than " + a.connectionRate() + " connections per second from this address";
        }
        if (inHandshake >= a.maxHandshakes()) {
            return "max-handshakes " + a.maxHandshakes() + " connections are still in the handshake";
        }
        return null;
    }

    @Override
    public Opening opened(Session s) {
        HubHandshake handshake = new HubHandshake();
        s.sendHandshake(handshake.challenge());
        return new Opening() {
            @Override
            public boolean takes(byte type) {
                return type == Hello.TYPE;
            }

            @Override
            public void message(HandshakeMessage message) throws IOException {
                welcome(s, handshake, (Hello) message); // the only type it takes
            }
        };
    }

    /**
     * Checks a HELLO and answers WELCOME or REJECT. The same answer for an unknown name and a wrong key, so a
     * prober learns nothing about which names exist; a client whose certificate the transport verified is told more.
     */
    private void welcome(Session s, HubHandshake handshake, Hello hello) throws IOException {
        HubAccess.Secure a = access;
        HubAccess.ClientEntry client = a.clients().get(hello.name());
        String refusal = handshake.refusal(hello, client == null ? null : client.credential(), s.peerIdentity());
        if (refusal != null) {
            reject(s, Reject.Reason.AUTHENTICATION, refusal,
                    "authentication failed for '" + hello.printableName() + "': " + refusal);
            return;
        }
        InetAddress address = client.address() != null ? client.address() : pool == null ? null : pool.assign(client.name(), true);
        if (address == null) {
            reject(s, Reject.Reason.POOL_EXHAUSTED, "the address pool is exhausted",
                    "no address left in the pool for " + client.name());
            return;
        }
        // IPv6 only on a hub with an IPv6 address: the client's fixed one, else one from the pool's IPv6 range, if any
        IpPrefix hubIpv6 = tun.ipv6Address();
        InetAddress ipv6 = hubIpv6 == null ? null : client.ipv6Address() != null ? client.ipv6Address()
                : pool == null ? null : pool.assign(client.name(), false);
        if (hubIpv6 != null && ipv6 == null && pool != null && pool.hasRange(false)) {
            reject(s, Reject.Reason.POOL_EXHAUSTED, "the IPv6 address pool is exhausted",
                    "no IPv6 address left in the pool for " + client.name());
            return;
        }
        Session previous = addresses.ownerOf(address);
        if (previous != null && client.name().equals(previous.identity())) {
            previous.close("replaced by a new session of " + client.name() + " from " + s.remoteAddress());
            replaced.increment();
            LOG.log(Level.INFO, "{0} moved from {1} to {2}", client.name(), previous.remoteAddress(), s.remoteAddress());
        }
        if (addresses.claim(address, s) != s || ipv6 != null && addresses.claim(ipv6, s) != s) {
            reject(s, Reject.Reason.CONFLICT, "address in use", "address of " + client.name() + " is in use");
            return;
        }
        List<IpPrefix> subnets = new ArrayList<>();
        for (IpPrefix subnet : client.routes()) {
            Session holder = addresses.claimSubnet(subnet, s);
            if (holder == s) {
                subnets.add(subnet);
            } else {
                LOG.log(Level.WARNING, "{0} declares {1}, which {2} already holds: not routed to it", client.name(),
                        subnet, holder.name());
            }
        }
        String text = IpPrefix.text(address);
        s.tunnelAddress(client.name() + " " + text, ipv6 == null ? text : text + " " + IpPrefix.text(ipv6));
        Grant grant = new Grant(new IpPrefix(address, tun.address().prefixLength()),
                ipv6 == null ? null : new IpPrefix(ipv6, hubIpv6.prefixLength()), tun.mtu(), session.keepalive(),
                session.timeout(), pushedRoutes(a, client, ipv6 != null), true);
        s.sendHandshake(handshake.welcome(client.credential(), hello, grant));
        // only now: packets routed to the address it claimed, and keepalive probes, queue up behind the WELCOME
        s.establish(Established.secure(client.name(), new Sources(address, ipv6, subnets), hello.takesSuperSegments()));
        LOG.log(Level.INFO, "session {0} authenticated", s.name());
    }

    /**
     * What a client routes into its tunnel besides the tunnel network: the hub's routes and other clients' subnets, IPv6
     * ones only to a client with an IPv6 address, each family up to what a WELCOME carries.
     */
    private static List<IpPrefix> pushedRoutes(HubAccess.Secure access, HubAccess.ClientEntry client, boolean ipv6) {
        List<IpPrefix> all = new ArrayList<>(access.routes());
        for (HubAccess.ClientEntry other : access.clients().values()) {
            if (!other.name().equals(client.name())) {
                all.addAll(other.routes());
            }
        }
        List<IpPrefix> routes = new ArrayList<>(all.stream().filter(IpPrefix::isIpv4).limit(Welcome.MAX_ROUTES).toList());
        if (ipv6) {
            all.stream().filter(r -> !r.isIpv4()).limit(Welcome.MAX_IPV6_ROUTES).forEach(routes::add);
        }
        return routes;
    }

    private void reject(Session s, Reject.Reason reason, String toClient, String logged) {
        handshakeFailures.increment();
        counters.drop("handshake-" + reason.label());
        LOG.log(Level.WARNING, "rejected {0}: {1}", s.remoteAddress(), logged);
        s.sendLastAndClose(new Reject(reason, toClient), "rejected: " + logged);
    }

    @Override
    public boolean admits(Session from, ByteBuffer packet) {
        if (IpPackets.version(packet) == 0) {
            counters.drop(Route.MALFORMED.reason());
            return false;
        }
        if (!from.allowsSource(packet)) {
            counters.drop("spoofed-source", from.name() + " sent a packet from " + IpPackets.sourceText(packet));
            return false;
        }
        return true;
    }

    @Override
    public boolean superSegments() {
        return true;
    }

    @Override
    public Duration handshakeTimeout() {
        return access.handshakeTimeout();
    }

    /** Clients, max-handshakes, connection-rate and routes take effect; the pool and the handshake timeout do not. */
    @Override
    public List<String> reload(HubAccess next, List<String> applied) {
        if (!(next instanceof HubAccess.Secure now)) {
            return List.of(); // a change of protocol needs a restart
        }
        HubAccess.Secure was = access;
        ClientChanges changes = ClientChanges.between(was.clients(), now.clients());
        changes.describe(applied);
        if (was.maxHandshakes() != now.maxHandshakes()) {
            applied.add("max-handshakes " + was.maxHandshakes() + " -> " + now.maxHandshakes());
        }
        if (was.connectionRate() != now.connectionRate()) {
            applied.add("connection-rate " + was.connectionRate() + " -> " + now.connectionRate());
            connectionRate = new ConnectionRate(now.connectionRate());
        }
        if (!was.routes().equals(now.routes())) {
            applied.add("routes (clients learn them when they next connect)");
        }
        access = new HubAccess.Secure(now.clients(), was.pool(), was.stateFile(), was.handshakeTimeout(),
                now.maxHandshakes(), now.connectionRate(), now.routes());
        return changes.disconnected();
    }
}
