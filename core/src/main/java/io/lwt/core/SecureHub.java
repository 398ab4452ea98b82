package io.lwt.core;

import io.lwt.api.IpPackets;
import io.lwt.api.IpPrefix;
import io.lwt.api.Printable;
import io.lwt.api.ProtocolException;
import io.lwt.api.routing.Route;
import io.lwt.api.tun.TunOptions;
import io.lwt.core.handshake.Answer;
import io.lwt.core.handshake.Credential;
import io.lwt.core.handshake.Grant;
import io.lwt.core.handshake.HubHandshake;
import io.lwt.core.handshake.Initiation;
import io.lwt.core.handshake.Protocol;
import io.lwt.core.handshake.Reject;
import io.lwt.core.handshake.ReplayGuard;
import io.lwt.core.handshake.Response;
import io.lwt.core.noise.Curve25519;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** The clients by the static keys their pre-shared keys stand for, and certificate-only ones by name. */
    private volatile Clients clients;
    private final Curve25519.KeyPair staticKey;
    private final ReplayGuard replays = new ReplayGuard();
    /** Used by the accept thread only; replaced by {@link #reload} when the rate changes. */
    private volatile ConnectionRate connectionRate;
    private final TunOptions tun;
    private final SessionSettings session;
    /** Pool addresses by client name; null without a pool. */
    private final AddressAssigner pool;
    /** The hub's part in its cluster, or null for a hub of its own. */
    private final HubCluster cluster;
    /** The cluster's links between hubs, and the credential that other hubs' links present; null without a cluster. */
    private final HubLinks links;
    private final Credential linkCredential;
    private static final String LINK = "hub link";
    /** Initiations of links by hub, apart from clients': a client may bear any name. */
    private final ReplayGuard linkReplays = new ReplayGuard();
    private final AddressTable<Session> addresses;
    private final Counters counters;
    private final Capacity capacity;
    private final LongAdder handshakeFailures = new LongAdder();
    private final LongAdder replaced = new LongAdder();

    SecureHub(HubAccess.Secure access, TunOptions tun, SessionSettings session, AddressAssigner pool, HubCluster cluster,
            HubLinks links, AddressTable<Session> addresses, Counters counters, Capacity capacity) {
        this.access = access;
        this.capacity = capacity;
        this.links = links;
        this.linkCredential = links == null ? null
                : Credential.of(LINK, Protocol.linkKey(access.staticKey()));
        this.clients = new Clients(access.clients().values(), linkCredential);
        this.staticKey = Curve25519.fromPrivate(access.staticKey());
        this.connectionRate = new ConnectionRate(access.connectionRate());
        this.tun = tun;
        this.session = session;
        this.pool = pool;
        this.cluster = cluster;
        this.addresses = addresses;
        this.counters = counters;
        if (cluster != null) {
            cluster.clientAddresses(this::addressesOf);
        }
    }

    /** A client's addresses: its entry's fixed ones, else those the cluster's pool gave it; null for no client. */
    private RemoteClients.Addresses addressesOf(String name) {
        HubAccess.ClientEntry entry = access.clients().get(name);
        if (entry == null) {
            return null;
        }
        InetAddress ipv4 = entry.address() != null ? entry.address() : cluster.pooled(name, true);
        InetAddress ipv6 = tun.ipv6Address() == null ? null
                : entry.ipv6Address() != null ? entry.ipv6Address() : cluster.pooled(name, false);
        return new RemoteClients.Addresses(ipv4, ipv6, entry.routes());
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
    public String refusal(InetAddress remote) {
        return connectionRate.admit(remote, System.nanoTime()) ? null : connectionRate.refusal(remote);
    }

    @Override
    public int maxHandshakes() {
        return access.maxHandshakes();
    }

    @Override
    public Opening opened(Session s) throws IOException {
        HubHandshake handshake = new HubHandshake(staticKey, s.channelBinding());
        return Opening.taking(Initiation.TYPE, Initiation.class, initiation -> answer(s, handshake, initiation));
    }

    /**
     * Reads an INITIATION and answers it with a grant or a refusal, both inside the RESPONSE. One that this hub cannot
     * read, or whose sender it does not know, is not answered: the session just closes (a protocol error naming why),
     * so a prober learns nothing, not even which names exist. A replayed one is not answered either, and the live
     * session of its client goes on.
     */
    private void answer(Session s, HubHandshake handshake, Initiation initiation) throws IOException {
        HubHandshake.Initiator initiator;
        try {
            initiator = handshake.read(initiation, clients, s.peerIdentity());
        } catch (ProtocolException e) {
            handshakeFailures.increment();
            counters.drop("handshake-failed");
            throw e;
        }
        Credential credential = initiator.client();
        if (credential == linkCredential) {
            acceptLink(s, handshake, initiator);
            return;
        }
        if (!replays.accept(credential.name(), initiator.timestamp())) {
            handshakeFailures.increment();
            counters.drop("handshake-replayed");
            throw new ProtocolException("initiation of " + credential.name() + " replayed (its timestamp is not later "
                    + "than the last one taken)");
        }
        HubAccess.ClientEntry client = access.clients().get(credential.name());
        if (client == null) { // removed by a reload since the initiation was read
            throw new ProtocolException("initiation of " + credential.name() + ", who is no client any more");
        }
        Admission admission = admit(s, client, s.peerIdentity());
        Response response = handshake.answer(admission.answer());
        if (admission.answer() instanceof Reject reject) {
            handshakeFailures.increment();
            counters.drop("handshake-" + reject.reason().label());
            LOG.log(Level.WARNING, "rejected {0}: {1}", s.remoteAddress(), admission.logged());
            s.sendLastAndClose(response, "rejected: " + admission.logged());
            return;
        }
        s.sendHandshake(response);
        s.protect(handshake.keys()); // everything after the RESPONSE is sealed, both ways
        // only now: packets routed to the address it claimed, and keepalive probes, queue up behind the RESPONSE
        s.establish(Established.secure(client.name(), admission.sources(), initiator.takesSuperSegments()));
        LOG.log(Level.INFO, "session {0} authenticated", s.name());
    }

    /**
     * Answers another hub of the cluster, whose initiation names it and proved the key the hubs share: a grant of the
     * hub's own address, which the other hub does not use, and the link is up.
     */
    private void acceptLink(Session s, HubHandshake handshake, HubHandshake.Initiator initiator) throws IOException {
        String from = initiator.linkFrom();
        if (from == null || from.isBlank() || from.equals(cluster.hub())) {
            throw new ProtocolException("a link that names no other hub (" + Printable.of(String.valueOf(from)) + ")");
        }
        if (!linkReplays.accept(from, initiator.timestamp())) {
            handshakeFailures.increment();
            counters.drop("handshake-replayed");
            throw new ProtocolException("initiation of the link from hub " + Printable.of(from) + " replayed");
        }
        Grant grant = new Grant(tun.address(), null, tun.mtu(), session.keepalive(), session.timeout(), List.of(),
                !s.carriesDatagrams());
        s.sendHandshake(handshake.answer(grant));
        s.protect(handshake.keys());
        s.establish(Established.link(from, initiator.takesSuperSegments()));
        links.opened(from, s);
    }

    /**
     * What the hub answers an authenticated client: its grant and the sources it may send from, or a refusal with
     * the line the hub logs for it.
     */
    private record Admission(Answer answer, Sources sources, String logged) {
        static Admission refused(Reject.Reason reason, String toClient, String logged) {
            return new Admission(new Reject(reason, toClient), null, logged);
        }
    }

    /**
     * Gives an authenticated client its addresses (fixed, or from the pool) and subnets, ending an older session of
     * the same client, or says why not. A certificate the transport verified must name the client.
     */
    private Admission admit(Session s, HubAccess.ClientEntry client, Optional<String> certified) throws IOException {
        HubAccess.Secure a = access;
        if (certified.isPresent() && !certified.get().equals(client.name())) {
            String refusal = "the client certificate is for '" + Printable.of(certified.get()) + "', not '" + client.name()
                    + "'";
            return Admission.refused(Reject.Reason.AUTHENTICATION, refusal,
                    "authentication failed for '" + client.name() + "': " + refusal);
        }
        String full = capacity.full(client.name());
        if (full != null) {
            return Admission.refused(Reject.Reason.BUSY, "the hub is full (" + full + ")",
                    "no room for " + client.name() + ": " + full);
        }
        String unregistered = cluster == null ? null : cluster.refusal();
        if (unregistered != null) {
            return Admission.refused(Reject.Reason.BUSY, "the hub cannot reach its cluster now",
                    "cannot admit " + client.name() + ": " + unregistered);
        }
        InetAddress address;
        InetAddress ipv6;
        // IPv6 only on a hub with an IPv6 address: the client's fixed one, else one from the pool's IPv6 range, if any
        IpPrefix hubIpv6 = tun.ipv6Address();
        try {
            address = client.address() != null ? client.address() : pool == null ? null : pool.assign(client.name(), true);
            ipv6 = hubIpv6 == null ? null : client.ipv6Address() != null ? client.ipv6Address()
                    : pool == null ? null : pool.assign(client.name(), false);
        } catch (IOException e) {
            return Admission.refused(Reject.Reason.BUSY, "the hub cannot assign addresses now",
                    "cannot assign " + client.name() + " an address: " + Nodes.describe(e));
        }
        if (address == null) {
            return Admission.refused(Reject.Reason.POOL_EXHAUSTED, "the address pool is exhausted",
                    "no address left in the pool for " + client.name());
        }
        if (hubIpv6 != null && ipv6 == null && pool != null && pool.hasRange(false)) {
            return Admission.refused(Reject.Reason.POOL_EXHAUSTED, "the IPv6 address pool is exhausted",
                    "no IPv6 address left in the pool for " + client.name());
        }
        Session previous = addresses.ownerOf(address);
        if (previous != null && client.name().equals(previous.identity())) {
            previous.close("replaced by a new session of " + client.name() + " from " + s.remoteAddress());
            replaced.increment();
            LOG.log(Level.INFO, "{0} moved from {1} to {2}", client.name(), previous.remoteAddress(), s.remoteAddress());
        }
        if (addresses.claim(address, s) != s || ipv6 != null && addresses.claim(ipv6, s) != s) {
            return Admission.refused(Reject.Reason.CONFLICT, "address in use", "address of " + client.name() + " is in use");
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
        if (cluster != null) {
            try {
                cluster.claim(client.name());
            } catch (IOException e) {
                return Admission.refused(Reject.Reason.BUSY, "the hub cannot reach its cluster now",
                        "cannot register " + client.name() + " in the cluster: " + Nodes.describe(e));
            }
        }
        String text = IpPrefix.text(address);
        s.tunnelAddress(client.name() + " " + text, ipv6 == null ? text : text + " " + IpPrefix.text(ipv6));
        Grant grant = new Grant(new IpPrefix(address, tun.address().prefixLength()),
                ipv6 == null ? null : new IpPrefix(ipv6, hubIpv6.prefixLength()), tun.mtu(), session.keepalive(),
                session.timeout(), pushedRoutes(a, client, ipv6 != null), !s.carriesDatagrams());
        return new Admission(grant, new Sources(address, ipv6, subnets), null);
    }

    /**
     * The clients as the handshake looks them up: by the static key each one's pre-shared key stands for (derived
     * once per access, not per initiation), and certificate-only clients by the name their certificate gives.
     */
    private static final class Clients implements HubHandshake.Directory {
        private final Map<String, Credential> byStaticKey = new HashMap<>();
        private final Map<String, Credential> certificateOnly = new HashMap<>();

        /** @param link the credential of links from other hubs, or null */
        Clients(Collection<HubAccess.ClientEntry> entries, Credential link) {
            if (link != null) {
                byStaticKey.put(HexFormat.of().formatHex(link.staticKey()), link);
            }
            for (HubAccess.ClientEntry entry : entries) {
                Credential credential = entry.credential();
                if (credential.certificateOnly()) {
                    certificateOnly.put(entry.name(), credential);
                } else {
                    byStaticKey.put(HexFormat.of().formatHex(credential.staticKey()), credential);
                }
            }
        }

        @Override
        public Credential find(byte[] staticKey, Optional<String> certified) {
            Credential known = byStaticKey.get(HexFormat.of().formatHex(staticKey));
            return known != null ? known : certified.map(certificateOnly::get).orElse(null);
        }
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
        List<IpPrefix> routes = new ArrayList<>(all.stream().filter(IpPrefix::isIpv4).limit(Grant.MAX_ROUTES).toList());
        if (ipv6) {
            all.stream().filter(r -> !r.isIpv4()).limit(Grant.MAX_IPV6_ROUTES).forEach(routes::add);
        }
        return routes;
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
        clients = new Clients(now.clients().values(), linkCredential);
        replays.retain(now.clients().keySet());
        access = new HubAccess.Secure(was.staticKey(), now.clients(), was.pool(), was.stateFile(), was.handshakeTimeout(),
                now.maxHandshakes(), now.connectionRate(), now.routes());
        return changes.disconnected();
    }
}
