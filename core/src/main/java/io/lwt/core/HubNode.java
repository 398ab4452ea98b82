package io.lwt.core;

import io.lwt.api.IpPackets;
import io.lwt.api.IpPrefix;
import io.lwt.api.ProtocolException;
import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.routing.Route;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunDriver;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A hub: accepts clients, gives each its tunnel addresses (IPv4, and IPv6 when the hub has an IPv6 address) in the
 * handshake, or in legacy mode learns a client's address from the source of its first IPv4 packet, and forwards
 * packets of either family between its TUN device and the clients as the routing policy decides.
 *
 * <p>An address belongs to the first session that claims it until that session ends; a later claimant's packets
 * from that address are dropped (the original program let any newcomer take over an address).
 */
public final class HubNode extends NodeLifecycle {

    private static final System.Logger LOG = System.getLogger(HubNode.class.getName());
    /**
     * Up to this many connections, established sessions run on platform threads, which wake faster at idle; beyond
     * it, on virtual threads, which the JDK's scheduler shares fairly among many busy sessions (see Session's read
     * loop).
     */
    private static final int PLATFORM_THREAD_SESSIONS = 8;

    /** Replaced as a whole by {@link #reload}; read once per decision. */
    private volatile HubSpec spec;
    private volatile RoutingPolicy routing;
    private final TunDevice device;
    private final Listener listener;
    private final PacketBuffers buffers;
    private final SessionContext sessions;
    /** Pool addresses by client name; null without a pool. */
    private final PoolState pool;
    /** Used by the accept thread only; replaced by {@link #reload} when the rate changes. */
    private volatile ConnectionRate connectionRate;
    private final Counters counters = new Counters(LOG);
    private final AddressTable addresses = new AddressTable();
    private final Set<Session> live = ConcurrentHashMap.newKeySet();
    private final LongAdder accepted = new LongAdder();
    private volatile Thread acceptor;
    private final LongAdder refused = new LongAdder();
    private final LongAdder handshakeFailures = new LongAdder();
    private final LongAdder replaced = new LongAdder();

    private HubNode(HubSpec spec, Codec codec, RoutingPolicy routing, TunDevice device, Listener listener,
            PoolState pool) {
        super(LOG);
        this.pool = pool;
        this.connectionRate = new ConnectionRate(
                spec.access() instanceof HubAccess.Secure secure ? secure.connectionRate() : Integer.MAX_VALUE);
        this.spec = spec;
        this.routing = routing;
        this.device = device;
        this.listener = listener;
        this.buffers = new PacketBuffers(spec.tun().mtu(), codec.tailroom());
        boolean superSegments = spec.access() instanceof HubAccess.Secure;
        // a few more receive buffers than sessions: a closing session returns its buffer a moment after it ends
        BufferPool receiveBuffers = SessionContext.receiveBuffers(codec, spec.tun().mtu(), superSegments,
                receiveBuffersFor(spec.maxClients()));
        Duration handshakeTimeout = spec.access() instanceof HubAccess.Secure secure
                ? secure.handshakeTimeout() : HubAccess.Secure.DEFAULT_HANDSHAKE_TIMEOUT;
        this.sessions = new SessionContext(codec, Side.SERVER, spec.tun().mtu(), superSegments, spec.session(),
                handshakeTimeout, buffers, receiveBuffers, new TunWriter(() -> device, buffers, counters), counters,
                new Handler(), () -> live.size() <= PLATFORM_THREAD_SESSIONS);
    }

    /**
     * Opens the TUN device, starts listening and returns the running hub.
     *
     * @throws IOException when the device or the listening socket cannot be set up; nothing is left behind
     */
    public static HubNode start(HubSpec spec, TunDriver tun, Transport transport, Codec codec, RoutingPolicy routing)
            throws IOException {
        Nodes.checkHeadroom(codec);
        PoolState pool = null;
        if (spec.access() instanceof HubAccess.Secure secure && secure.pool() != null) {
            try {
                pool = new PoolState(secure.pool(), secure.stateFile());
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot read the pool state " + secure.stateFile() + ": " + Session.describe(e), e);
            }
        }
        TunDevice device = tun.open(spec.tun());
        Listener listener;
        try {
            listener = transport.listen(spec.listen());
        } catch (IOException | RuntimeException e) {
            Nodes.closeQuietly(device);
            throw new IOException("cannot listen on " + spec.listen() + ": " + Session.describe(e), e);
        }
        HubNode hub = new HubNode(spec, codec, routing, device, listener, pool);
        hub.run();
        return hub;
    }

    private void run() {
        TunReader.start("lwt-tun-reader", device, buffers, this::fromTun, e -> fail("TUN device failed", e));
        acceptor = Thread.ofVirtual().name("lwt-accept").start(this::acceptLoop);
        Thread.ofVirtual().name("lwt-ticker").start(() -> Nodes.tick(spec.session(), closed, this::tick));
        IpPrefix ipv6 = spec.tun().ipv6Address();
        LOG.log(Level.INFO, "tunnel up: hub {0} listening on {1}, device {2} {3} mtu {4}, max-clients {5}",
                spec.name(), listener.localAddress(), device.name(),
                spec.tun().address() + (ipv6 == null ? "" : " " + ipv6), String.valueOf(device.mtu()),
                String.valueOf(spec.maxClients()));
    }

    private static int receiveBuffersFor(int maxClients) {
        return maxClients + 16;
    }

    /**
     * Applies a changed definition of this hub without dropping the sessions it does not concern: added, removed and
     * changed clients (a removed client, or one whose key, address or subnets changed, is disconnected), the routing
     * policy, max-clients, max-handshakes, connection-rate and the routes pushed to clients that join from now on.
     * Everything else keeps its running value and is reported as needing a restart.
     */
    public synchronized Reload reload(HubSpec next, RoutingPolicy nextRouting) {
        HubSpec current = spec;
        List<String> applied = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        if (!next.tun().equals(current.tun())) {
            restart.add("device, address or mtu");
        }
        if (!next.listen().equals(current.listen())) {
            restart.add("listen");
        }
        if (!next.session().equals(current.session())) {
            restart.add("keepalive, timeout or send-queue");
        }
        HubAccess access = current.access();
        List<String> disconnect = new ArrayList<>();
        if (current.access() instanceof HubAccess.Secure was && next.access() instanceof HubAccess.Secure now) {
            if (!java.util.Objects.equals(was.pool(), now.pool()) || !java.util.Objects.equals(was.stateFile(), now.stateFile())) {
                restart.add("pool or state");
            }
            if (!was.handshakeTimeout().equals(now.handshakeTimeout())) {
                restart.add("handshake-timeout");
            }
            ClientChanges changes = ClientChanges.between(was.clients(), now.clients());
            changes.describe(applied);
            disconnect.addAll(changes.disconnected());
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
        } else if (current.access().getClass() != next.access().getClass()) {
            restart.add("protocol");
        }
        if (next.maxClients() != current.maxClients()) {
            applied.add("max-clients " + current.maxClients() + " -> " + next.maxClients());
            sessions.receiveBuffers().limit(receiveBuffersFor(next.maxClients()));
        }
        spec = new HubSpec(current.name(), current.tun(), current.listen(), next.maxClients(), current.session(), access);
        routing = nextRouting;
        for (Session session : List.copyOf(live)) {
            if (disconnect.contains(session.identity())) {
                session.close("its entry changed or was removed in a reload");
            }
        }
        return new Reload(List.copyOf(applied), List.copyOf(restart));
    }

    /**
     * What a reload did.
     *
     * @param applied the changes now in effect, one phrase each
     * @param needRestart the changed settings that keep their running value until the node restarts
     */
    public record Reload(List<String> applied, List<String> needRestart) {}

    /** Where the hub listens; useful when the spec asked for port 0. */
    public InetSocketAddress listenAddress() {
        return listener.localAddress();
    }

    /** The TUN device's name. */
    public String deviceName() {
        return device.name();
    }

    /** Connected sessions, registered or not. */
    public int sessionCount() {
        return live.size();
    }

    /** Connections admitted as sessions since start. */
    public long acceptedConnections() {
        return accepted.sum();
    }

    /** Connections refused since start because max-clients was reached. */
    public long refusedConnections() {
        return refused.sum();
    }

    /** Closes every session of that identity, as an operator's order; returns how many there were. */
    public int kick(String identity) {
        int kicked = 0;
        for (Session session : List.copyOf(live)) {
            if (identity.equals(session.identity())) {
                session.close("kicked by the operator");
                kicked++;
            }
        }
        return kicked;
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus(spec.name(), "hub", live.stream().map(Session::status).toList(), counters.drops(),
                replaced.sum());
    }

    /** Handshakes refused since start (wrong key, unknown name, exhausted pool). */
    public long handshakeFailures() {
        return handshakeFailures.sum();
    }

    public Counters counters() {
        return counters;
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Connection connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    fail("accepting connections failed", e);
                }
                return;
            }
            admit(connection);
        }
    }

    private void admit(Connection connection) {
        // max-clients counts connections, not registered addresses: a client that never sends still takes a place
        if (live.size() >= spec.maxClients()) {
            refuse(connection, "max-clients " + spec.maxClients() + " reached");
            return;
        }
        if (spec.access() instanceof HubAccess.Secure secure) {
            if (!connectionRate.admit(connection.remoteAddress().getAddress(), System.nanoTime())) {
                refuse(connection, "more than " + secure.connectionRate() + " connections per second from this address");
                return;
            }
            if (live.stream().filter(s -> !s.isEstablished()).count() >= secure.maxHandshakes()) {
                refuse(connection, "max-handshakes " + secure.maxHandshakes() + " connections are still in the handshake");
                return;
            }
        }
        ByteBuffer inbound = sessions.receiveBuffers().acquire();
        if (inbound == null) {
            refuse(connection, "all receive buffers are in use by sessions still closing");
            return;
        }
        Session session = new Session(connection, sessions, inbound);
        live.add(session);
        accepted.increment();
        if (closed.get()) {
            session.close("hub shutting down");
            return;
        }
        LOG.log(Level.INFO, "session {0} connected", session.name());
        session.start();
    }

    private void refuse(Connection connection, String reason) {
        refused.increment();
        LOG.log(Level.WARNING, "refused connection from {0}: {1}", connection.remoteAddress(), reason);
        Nodes.closeQuietly(connection);
    }

    private boolean fromTun(ByteBuffer packet) {
        String linkScope = LinkScope.dropReason(packet);
        if (linkScope != null) {
            counters.drop(linkScope);
            return false;
        }
        switch (routing.fromTun(packet, addresses)) {
            case Route.ToPeer(var peer) -> {
                ((Session) peer).send(packet, device.offloads());
                return true;
            }
            case Route.Drop(var reason) -> counters.drop(reason);
            case Route.ToTun _ -> counters.drop("loop");
        }
        return false;
    }

    private final class Handler implements Session.Handler {
        @Override
        public void opened(Session session) {
            if (spec.access() instanceof HubAccess.Secure) {
                byte[] nonce = Handshake.nonce();
                session.serverNonce(nonce);
                session.sendHandshake(Messages.CHALLENGE, out -> Handshake.writeChallenge(out, nonce));
            } else {
                session.establishLegacy(null); // legacy: the address is learned from the first packet
            }
        }

        @Override
        public void handshake(Session session, byte type, ByteBuffer body) throws IOException {
            if (type != Messages.HELLO || !(spec.access() instanceof HubAccess.Secure secure) || session.serverNonce() == null) {
                throw new ProtocolException(String.format("unexpected handshake message 0x%02x", type));
            }
            welcome(session, secure, Handshake.readHello(body));
        }

        @Override
        public void packet(Session from, ByteBuffer packet, boolean withHeader) throws IOException {
            String linkScope = LinkScope.dropReason(packet);
            if (linkScope != null) {
                counters.drop(linkScope); // a client that does not drop them itself (an older one)
                return;
            }
            if (spec.access() instanceof HubAccess.Secure) {
                if (IpPackets.version(packet) == 0) {
                    counters.drop(Route.MALFORMED.reason());
                    return;
                }
                if (!from.allowsSource(packet)) {
                    counters.drop("spoofed-source", from.name() + " sent a packet from " + IpPackets.sourceText(packet));
                    return;
                }
            } else if (from.tunnelAddressUnknown() && !learnAddress(from, packet)) {
                return;
            }
            switch (routing.fromPeer(from, packet, addresses)) {
                case Route.ToTun _ -> from.deliverToTun(packet, withHeader);
                case Route.ToPeer(var peer) -> ((Session) peer).sendCopy(packet, withHeader);
                case Route.Drop(var reason) -> counters.drop(reason);
            }
        }

        @Override
        public void closed(Session session, String reason) {
            live.remove(session);
            addresses.release(session);
            LOG.log(Level.INFO, "session {0} closed: {1}", session.name(), reason);
        }
    }

    /**
     * Checks a HELLO and answers WELCOME or REJECT. The same answer for an unknown name and a wrong key, so a
     * prober learns nothing about which names exist; a client whose certificate the transport verified is told more.
     */
    private void welcome(Session session, HubAccess.Secure secure, Handshake.Hello hello) throws IOException {
        HubAccess.ClientEntry client = secure.clients().get(hello.name());
        String refusal = refusal(client, session.peerIdentity(), session.serverNonce(), hello);
        if (refusal != null) {
            reject(session, Handshake.RejectReason.AUTHENTICATION, refusal,
                    "authentication failed for '" + printable(hello.name()) + "': " + refusal);
            return;
        }
        InetAddress address = client.address() != null ? client.address() : pool == null ? null : pool.assign(client.name(), true);
        if (address == null) {
            reject(session, Handshake.RejectReason.POOL_EXHAUSTED, "the address pool is exhausted",
                    "no address left in the pool for " + client.name());
            return;
        }
        // IPv6 only on a hub with an IPv6 address: the client's fixed one, else one from the pool's IPv6 range, if any
        IpPrefix hubIpv6 = spec.tun().ipv6Address();
        InetAddress ipv6 = hubIpv6 == null ? null : client.ipv6Address() != null ? client.ipv6Address()
                : pool == null ? null : pool.assign(client.name(), false);
        if (hubIpv6 != null && ipv6 == null && pool != null && pool.hasRange(false)) {
            reject(session, Handshake.RejectReason.POOL_EXHAUSTED, "the IPv6 address pool is exhausted",
                    "no IPv6 address left in the pool for " + client.name());
            return;
        }
        Session previous = addresses.ownerOf(address);
        if (previous != null && client.name().equals(previous.identity())) {
            previous.close("replaced by a new session of " + client.name() + " from " + session.remoteAddress());
            replaced.increment();
            LOG.log(Level.INFO, "{0} moved from {1} to {2}", client.name(), previous.remoteAddress(), session.remoteAddress());
        }
        if (addresses.claim(address, session) != session || ipv6 != null && addresses.claim(ipv6, session) != session) {
            reject(session, Handshake.RejectReason.CONFLICT, "address in use", "address of " + client.name() + " is in use");
            return;
        }
        List<IpPrefix> subnets = new ArrayList<>();
        for (IpPrefix subnet : client.routes()) {
            Session holder = addresses.claimSubnet(subnet, session);
            if (holder == session) {
                subnets.add(subnet);
            } else {
                LOG.log(Level.WARNING, "{0} declares {1}, which {2} already holds: not routed to it", client.name(),
                        subnet, holder.name());
            }
        }
        String text = IpPrefix.text(address);
        session.tunnelAddress(client.name() + " " + text, ipv6 == null ? text : text + " " + IpPrefix.text(ipv6));
        Handshake.Welcome welcome = new Handshake.Welcome(
                Handshake.hubProof(client.key(), session.serverNonce(), hello.clientNonce()),
                new IpPrefix(address, spec.tun().address().prefixLength()),
                ipv6 == null ? null : new IpPrefix(ipv6, hubIpv6.prefixLength()), spec.tun().mtu(),
                spec.session().keepalive(), spec.session().timeout(), pushedRoutes(secure, client, ipv6 != null), true);
        session.sendHandshake(Messages.WELCOME, out -> Handshake.writeWelcome(out, welcome));
        // only now: packets routed to the address it claimed, and keepalive probes, queue up behind the WELCOME
        session.establish(client.name(), new Sources(address, ipv6, subnets), hello.takesSuperSegments());
        LOG.log(Level.INFO, "session {0} authenticated", session.name());
    }

    /**
     * Why a HELLO fails authentication, or null when it passes. A certificate identity, when the transport has one,
     * must be the name; a client with a key must prove it; a client without one must have a certificate.
     */
    private static String refusal(HubAccess.ClientEntry client, java.util.Optional<String> certified, byte[] serverNonce,
            Handshake.Hello hello) {
        if (certified.isPresent() && !certified.get().equals(hello.name())) {
            return "the client certificate is for '" + printable(certified.get()) + "', not '" + printable(hello.name()) + "'";
        }
        if (client == null) {
            return certified.isPresent() ? "'" + printable(hello.name()) + "' is not a client of this hub"
                    : "unknown client or wrong key";
        }
        if (client.key() == null) {
            return certified.isPresent() ? null : "this client must present a client certificate (transport tls)";
        }
        boolean proven = Handshake.matches(
                Handshake.clientProof(client.key(), serverNonce, hello.clientNonce(), hello.name()), hello.proof());
        return proven ? null : "unknown client or wrong key";
    }

    /**
     * What a client routes into its tunnel besides the tunnel network: the hub's routes and other clients' subnets, IPv6
     * ones only to a client with an IPv6 address, each family up to what a WELCOME carries.
     */
    private static List<IpPrefix> pushedRoutes(HubAccess.Secure secure, HubAccess.ClientEntry client, boolean ipv6) {
        List<IpPrefix> all = new ArrayList<>(secure.routes());
        for (HubAccess.ClientEntry other : secure.clients().values()) {
            if (!other.name().equals(client.name())) {
                all.addAll(other.routes());
            }
        }
        List<IpPrefix> routes = new ArrayList<>(all.stream().filter(IpPrefix::isIpv4).limit(Handshake.MAX_ROUTES).toList());
        if (ipv6) {
            all.stream().filter(r -> !r.isIpv4()).limit(Handshake.MAX_IPV6_ROUTES).forEach(routes::add);
        }
        return routes;
    }

    private void reject(Session session, Handshake.RejectReason reason, String toClient, String logged) {
        handshakeFailures.increment();
        counters.drop("handshake-" + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        LOG.log(Level.WARNING, "rejected {0}: {1}", session.remoteAddress(), logged);
        session.sendLastAndClose(Messages.REJECT, out -> Handshake.writeReject(out, new Handshake.Reject(reason, toClient)),
                "rejected: " + logged);
    }

    /** A client-chosen name as it may appear in a log line. */
    private static String printable(String name) {
        return name.replaceAll("[^\\p{Graph}]", "?");
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

    private void tick(long now) {
        for (Session session : live) {
            session.tick(now);
        }
    }

    /**
     * Waits for the accept thread to leave: a connection it accepted just before the listener closed is then admitted
     * (and so drained) or refused, and the port is free for a new hub once {@link #close} returns.
     */
    private void awaitAcceptor() {
        Thread a = acceptor;
        if (a == null || a == Thread.currentThread()) {
            return;
        }
        try {
            if (!a.join(Nodes.DRAIN)) {
                LOG.log(Level.WARNING, "the accept thread did not stop within {0}", Nodes.text(Nodes.DRAIN));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void fail(String what, IOException e) {
        stop(what + ": " + Session.describe(e));
    }

    /**
     * Stops listening and reading the TUN device, lets every session send what it has queued (for up to
     * {@link Nodes#DRAIN}), closes them and removes the device.
     */
    @Override
    void release() {
        Nodes.closeQuietly(listener);
        awaitAcceptor();
        Nodes.drain(List.copyOf(live), "hub shutting down");
        Nodes.closeQuietly(device);
    }
}
