package io.lwt.core;

import io.lwt.api.IpPrefix;
import io.lwt.api.Side;
import io.lwt.api.ValueSyntax;
import io.lwt.api.codec.Codec;
import io.lwt.api.routing.Peer;
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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A hub: accepts clients, admits them through its {@link HubProtocol} (the secure handshake, which gives each client
 * its tunnel addresses, IPv4 and IPv6 when the hub has an IPv6 address; or the original program's, which learns them),
 * and forwards packets of either family between its TUN device and the clients ({@link Forwarding}). This class holds
 * the lifecycle: the accept thread admits connections as sessions, the ticker runs keepalives, reloads and operators'
 * commands come from the launcher's threads, and {@link #close} stops it all.
 */
public final class HubNode extends NodeLifecycle {

    private static final System.Logger LOG = System.getLogger(HubNode.class.getName());
    /**
     * Up to this many connections, established sessions run on platform threads, which wake faster at idle; beyond
     * it, on virtual threads, which the JDK's scheduler shares fairly among many busy sessions (see {@link Link}).
     */
    private static final int PLATFORM_THREAD_SESSIONS = 8;
    /** The first wait after a failed accept; it doubles while accepting fails, up to a second. */
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(10);

    /** Replaced as a whole by {@link #reload}; read once per decision. */
    private volatile HubSpec spec;
    private final TunDevice device;
    /** One per transport: a stream transport and a datagram transport may serve one hub side by side. */
    private final List<Listener> listeners;
    /** Where each listener listens, and with what, as the start-up line says it. */
    private final List<String> listening;
    private final PacketBuffers buffers;
    private final SessionContext sessions;
    private final HubProtocol protocol;
    private final Forwarding forwarding;
    private final Counters counters;
    private final AddressTable<Session> addresses;
    /** The live sessions, each its own key: routing decisions are resolved here. */
    private final Map<Peer, Session> live = new ConcurrentHashMap<>();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** One line a second per source for connections that end before their handshake, and for refusals. */
    private final LogLimiter strangers = new LogLimiter();
    private final PendingConnections<Session> pending;
    /** The hub's part in its cluster, and its links to the other hubs; both null for a hub of its own. */
    private final HubCluster cluster;
    private final HubLinks links;
    private final List<Thread> acceptors = new ArrayList<>();

    private HubNode(HubSpec spec, Codec codec, RoutingPolicy routing, TunDevice device, List<Listener> listeners,
            List<String> listening, Counters counters, ClusterSettings clustered, Transport dialing) throws IOException {
        super(LOG);
        this.spec = spec;
        this.device = device;
        this.listeners = listeners;
        this.listening = listening;
        this.addresses = new AddressTable<>();
        if (clustered != null && spec.access() instanceof HubAccess.Secure secure) {
            byte[] hubKey = StaticKeys.publicKey(secure.staticKey());
            // an endpoint of port 0 is the port the system gave the listeners
            String endpoint = clustered.endpoint().replaceFirst(":0$", ":" + listeners.getFirst().localAddress().getPort());
            this.cluster = new HubCluster(clustered.store(), spec.name(), hubKey, endpoint, new Events(),
                    this::clientsHere);
            this.links = new HubLinks(spec.name(), io.lwt.core.handshake.Protocol.linkKey(secure.staticKey()), hubKey,
                    dialing, s -> live.put(s, s));
        } else {
            this.cluster = null;
            this.links = null;
        }
        // a pool reads its state file here, unless the cluster keeps the addresses
        this.protocol = HubProtocol.of(spec, addresses, counters, this::full, cluster, links);
        this.counters = counters;
        this.pending = new PendingConnections<Session>(s -> !s.isClosed() && protocol.inHandshake(s));
        this.buffers = new PacketBuffers(spec.tun().mtu(), SessionContext.tailroom(codec, protocol.superSegments()));
        this.forwarding = new Forwarding(live::get, addresses, cluster == null ? null : cluster.remote(), links, protocol,
                device.offloads(), routing, counters);
        BufferPool receiveBuffers = SessionContext.receiveBuffers(codec, spec.tun().mtu(), protocol.superSegments(),
                receiveBuffersFor(spec.maxClients(), protocol.maxHandshakes()));
        TunWriter tunWriter = new TunWriter(() -> device, buffers, counters);
        this.sessions = new SessionContext(codec, Side.SERVER, spec.tun().mtu(), protocol.superSegments(), spec.session(),
                protocol.handshakeTimeout(), buffers, receiveBuffers, tunWriter, counters, new Handler(),
                () -> live.size() <= PLATFORM_THREAD_SESSIONS, System::nanoTime, SessionKeys.Rekeying.DEFAULT);
        if (links != null) { // the links this hub dials: the client's side of a session, the hub's switch behind it
            links.context(new SessionContext(codec, Side.CLIENT, spec.tun().mtu(), protocol.superSegments(),
                    spec.session(), protocol.handshakeTimeout(), buffers, receiveBuffers, tunWriter, counters,
                    new LinkHandler(), () -> live.size() <= PLATFORM_THREAD_SESSIONS, System::nanoTime,
                    SessionKeys.Rekeying.DEFAULT));
        }
    }

    /**
     * Opens the TUN device, starts listening with each transport at the spec's address and returns the running hub.
     * With port 0, the first transport's listener gets a port from the system and the others take the same one.
     *
     * @param transports at least one; each listens, so two must not use the same kind of socket (two over TCP)
     * @throws IOException when the device or a listening socket cannot be set up; nothing is left behind
     */
    public static HubNode start(HubSpec spec, TunDriver tun, List<Transport> transports, Codec codec,
            RoutingPolicy routing, ClusterSettings cluster) throws IOException {
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("a hub needs a transport");
        }
        Nodes.checkHeadroom(codec);
        Counters counters = new Counters(LOG);
        TunDevice device = tun.open(spec.tun());
        List<Listener> listeners = new ArrayList<>();
        List<String> listening = new ArrayList<>();
        HubNode hub;
        try {
            InetSocketAddress address = spec.listen();
            for (Transport transport : transports) {
                try {
                    listeners.add(transport.listen(address));
                } catch (IOException | RuntimeException e) {
                    throw new IOException("cannot listen on " + address + " with " + transport + ": " + Nodes.describe(e), e);
                }
                listening.add(listeners.getLast().localAddress() + " (" + transport + ")");
                if (address.getPort() == 0) {
                    address = new InetSocketAddress(address.getAddress(), listeners.getFirst().localAddress().getPort());
                }
            }
            hub = new HubNode(spec, codec, routing, device, List.copyOf(listeners), List.copyOf(listening), counters,
                    cluster, transports.getFirst());
        } catch (IOException | RuntimeException e) {
            listeners.forEach(Nodes::closeQuietly);
            Nodes.closeQuietly(device);
            throw e;
        }
        hub.run();
        return hub;
    }

    private void run() {
        TunReader.start("lwt-tun-reader", device, buffers, forwarding::fromTun, e -> fail("TUN device failed", e));
        if (cluster != null) {
            cluster.start();
        }
        for (Listener listener : listeners) {
            acceptors.add(Threads.virtual("lwt-accept").start(() -> acceptLoop(listener)));
        }
        Threads.virtual("lwt-ticker").start(() -> Nodes.tick(spec.session(), closed, this::tick));
        IpPrefix ipv6 = spec.tun().ipv6Address();
        LOG.log(Level.INFO, "tunnel up: hub {0} listening on {1}, device {2} {3} mtu {4}, max-clients {5}",
                spec.name(), String.join(" and ", listening),
                device.name(),
                spec.tun().address() + (ipv6 == null ? "" : " " + ipv6), String.valueOf(device.mtu()),
                String.valueOf(spec.maxClients()));
    }

    /**
     * One receive buffer per session, clients and those in the handshake, and a few more: a closing session returns
     * its buffer a moment after it ends.
     */
    private static int receiveBuffersFor(int maxClients, int maxHandshakes) {
        return maxClients + maxHandshakes + 16;
    }

    /**
     * Applies the live part of a changed definition of this hub without dropping the sessions it does not concern:
     * added, removed and changed clients (a removed client, or one whose key, address or subnets changed, is
     * disconnected), the routing policy, max-clients, max-handshakes, connection-rate and the routes pushed to
     * clients that join from now on; and the listener re-reads the files its transport may take anew (a TLS hub's
     * {@code client-crl}, which may end the sessions of certificates it now revokes). Everything else keeps its
     * running value: which settings those are, and so need a restart, the launcher's table of settings says.
     */
    public synchronized Reload reload(HubSpec next, RoutingPolicy nextRouting) {
        HubSpec current = spec;
        List<String> applied = new ArrayList<>();
        List<String> disconnect = protocol.reload(next.access(), applied);
        if (next.maxClients() != current.maxClients()) {
            applied.add("max-clients " + current.maxClients() + " -> " + next.maxClients());
        }
        sessions.receiveBuffers().limit(receiveBuffersFor(next.maxClients(), protocol.maxHandshakes()));
        spec = new HubSpec(current.name(), current.tun(), current.listen(), next.maxClients(), current.session(),
                current.access());
        forwarding.routing(nextRouting);
        for (Session session : List.copyOf(live.values())) {
            if (disconnect.contains(session.identity())) {
                session.close("its entry changed or was removed in a reload");
            }
        }
        refreshListeners();
        return new Reload(List.copyOf(applied));
    }

    /** A file a transport cannot re-read leaves it as it was, and the rest of the reload stands. */
    private void refreshListeners() {
        for (Listener listener : listeners) {
            try {
                listener.refresh();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "reload: {0}", Nodes.describe(e));
            } catch (RuntimeException e) {
                counters.drop("plugin-error");
                LOG.log(Level.ERROR, "reload: the transport failed to refresh its listener: {0}", Nodes.describe(e));
            }
        }
    }

    /** What a reload did: the changes now in effect, one phrase each. */
    public record Reload(List<String> applied) {}

    /** Where the hub listens (with every transport: they share the port); useful when the spec asked for port 0. */
    public InetSocketAddress listenAddress() {
        return listeners.getFirst().localAddress();
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

    /** Connections refused since start at the door: over the connection rate, or their source's pending share. */
    public long refusedConnections() {
        return refused.sum();
    }

    /** Closes every session of that identity, as an operator's order; returns how many there were. */
    public int kick(String identity) {
        return closeSessionsOf(identity, "kicked by the operator");
    }

    /** Closes every session of that identity; returns how many there were. */
    private int closeSessionsOf(String identity, String reason) {
        int count = 0;
        for (Session session : List.copyOf(live.values())) {
            if (identity.equals(session.identity())) {
                session.close(reason);
                count++;
            }
        }
        return count;
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus(spec.name(), "hub", live.values().stream().map(Session::status).toList(),
                counters.drops(), protocol.replacedSessions(), cluster == null ? null
                        : new NodeStatus.Cluster(cluster.hub(), cluster.accepting(), cluster.members(), cluster.locations()));
    }

    /** Handshakes refused since start (wrong key, unknown name, exhausted pool). */
    public long handshakeFailures() {
        return protocol.handshakeFailures();
    }

    public Counters counters() {
        return counters;
    }

    /**
     * Accepts until the hub closes. A failure to accept (too many open files, a kernel out of buffers, even an
     * OutOfMemoryError) is no reason to stop serving the sessions that run: the loop backs off, from 10 ms up to a
     * second, and goes on, with one line per distinct cause and one when accepting works again.
     */
    private void acceptLoop(Listener listener) {
        Duration backoff = Duration.ZERO;
        String failing = null;
        while (!closed.get()) {
            try {
                Connection connection = listener.accept();
                if (failing != null) {
                    LOG.log(Level.INFO, "accepting connections again");
                    failing = null;
                    backoff = Duration.ZERO;
                }
                admit(connection);
            } catch (IOException | RuntimeException | Error e) {
                if (closed.get()) {
                    return;
                }
                String cause = Nodes.describe(e);
                if (!cause.equals(failing)) {
                    LOG.log(Level.ERROR, "accepting connections failed: {0}; retrying while it does", cause);
                    failing = cause;
                }
                backoff = backoff.isZero() ? ACCEPT_RETRY : Nodes.min(backoff.multipliedBy(2), Duration.ofSeconds(1));
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /**
     * Admits a connection as a session in the handshake, within the connection rate of its source and its share of
     * the {@link PendingConnections pending places}. It does not count against max-clients, which bounds
     * authenticated sessions only (see {@link #full}): connections that never authenticate cannot keep clients out.
     */
    private void admit(Connection connection) {
        InetAddress source = connection.remoteAddress().getAddress();
        String refusal = protocol.refusal(source);
        if (refusal == null) {
            refusal = pending.refusal(source, protocol.maxHandshakes());
        }
        if (refusal != null) {
            refuse(connection, refusal);
            return;
        }
        ByteBuffer inbound = sessions.receiveBuffers().acquire();
        if (inbound == null) {
            refuse(connection, "all receive buffers are in use by sessions still closing");
            return;
        }
        Session session = new Session(connection, sessions, inbound);
        live.put(session, session);
        accepted.increment();
        Session evicted = pending.add(session, source, protocol.maxHandshakes(), System.nanoTime());
        if (evicted != null) {
            evicted.close("evicted, the oldest of " + protocol.maxHandshakes()
                    + " connections in the handshake, for a newer one");
        }
        if (closed.get()) {
            session.close("hub shutting down");
            return;
        }
        LOG.log(Level.DEBUG, "session {0} connected", session.name()); // a scan would be a line per connection
        session.start();
    }

    private void refuse(Connection connection, String reason) {
        refused.increment();
        String source = connection.remoteAddress().getHostString();
        long suppressed = strangers.admit(source, System.nanoTime());
        LOG.log(suppressed >= 0 ? Level.WARNING : Level.DEBUG, "refused connection from {0}: {1}{2}",
                connection.remoteAddress(), reason, LogLimiter.suffix(Math.max(suppressed, 0), source));
        Nodes.closeQuietly(connection);
    }

    /** What the hub hears from its cluster. */
    private final class Events implements HubCluster.Events {
        /** The store says another hub holds the client's session now: this hub's is stale. */
        @Override
        public void moved(String client, String hub) {
            closeSessionsOf(client, "the client moved to hub " + hub);
        }

        @Override
        public void members(Map<String, String> members) {
            links.members(members);
        }
    }

    /** The links this hub dials: their handshakes are the links', their packets the switch's, as every session's. */
    private final class LinkHandler extends Handler {
        @Override
        public Opening opened(Session session) throws IOException {
            return links.opened(session);
        }

        @Override
        public void closed(Session session, String reason) {
            live.remove(session);
            links.closed(session, reason);
        }
    }

    /** The clients whose sessions this hub holds, past their handshakes. */
    private Collection<String> clientsHere() {
        return live.values().stream().filter(s -> !s.isClosed() && !protocol.inHandshake(s) && s.linkTo() == null)
                .map(Session::identity).filter(java.util.Objects::nonNull).distinct().toList();
    }

    /** The hub's part in every session: its protocol opens it, its switch takes its packets, its end is forgotten. */
    private class Handler implements SessionHandler {
        @Override
        public Opening opened(Session session) throws IOException {
            return protocol.opened(session);
        }

        @Override
        public void packet(Session from, ByteBuffer packet, boolean withHeader) throws IOException {
            forwarding.fromPeer(from, packet, withHeader);
        }

        @Override
        public void closed(Session session, String reason) {
            live.remove(session);
            addresses.release(session);
            if (session.linkTo() != null) { // a link another hub dialed
                links.closed(session, reason);
                return;
            }
            String identity = session.identity();
            if (cluster != null && identity != null && !protocol.inHandshake(session)
                    && live.values().stream().noneMatch(s -> identity.equals(s.identity()))) {
                cluster.release(identity);
            }
            if (!protocol.inHandshake(session)) {
                LOG.log(Level.INFO, "session {0} closed: {1}", session.name(), reason);
                return;
            }
            // a connection that never authenticated: a flood of them costs a line a second per source, the rest debug
            String source = session.remoteAddress().getHostString();
            long suppressed = strangers.admit(source, System.nanoTime());
            LOG.log(suppressed >= 0 ? Level.INFO : Level.DEBUG, "session {0} closed: {1}{2}", session.name(), reason,
                    LogLimiter.suffix(Math.max(suppressed, 0), source));
        }
    }

    /**
     * Why {@code name} (null for a legacy client) cannot join: max-clients sessions are past their handshake, not
     * counting an older session of its own, which its new one replaces. Two clients finishing their handshakes at the
     * same moment may both pass: a hub may hold one more client than max-clients for a moment.
     */
    private String full(String name) {
        int max = spec.maxClients();
        long clients = live.values().stream()
                .filter(s -> !s.isClosed() && !protocol.inHandshake(s) && s.linkTo() == null
                        && (name == null || !name.equals(s.identity())))
                .count();
        return clients >= max ? "max-clients " + max + " reached" : null;
    }

    private void tick() {
        int max = protocol.maxHandshakes();
        for (Session session : pending.overdue(max, System.nanoTime())) {
            session.close("no handshake within " + ValueSyntax.text(PendingConnections.PRESSED_TIMEOUT)
                    + " while half of max-handshakes " + max + " or more are in the handshake");
        }
        for (Session session : live.values()) {
            String overdue = protocol.overdue(session, session.age());
            if (overdue != null) {
                session.close(overdue);
            } else {
                session.tick();
            }
        }
    }

    /**
     * Waits for the accept threads to leave: a connection one accepted just before its listener closed is then admitted
     * (and so drained) or refused, and the port is free for a new hub once {@link #close} returns.
     */
    private void awaitAcceptors() {
        for (Thread a : acceptors) {
            if (a == Thread.currentThread()) {
                continue;
            }
            try {
                if (!a.join(Nodes.DRAIN)) {
                    LOG.log(Level.WARNING, "an accept thread did not stop within {0}", ValueSyntax.text(Nodes.DRAIN));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void fail(String what, IOException e) {
        stop(what + ": " + Nodes.describe(e));
    }

    /**
     * Stops listening and reading the TUN device, lets every session send what it has queued (for up to
     * {@link Nodes#DRAIN}), closes them and removes the device.
     */
    @Override
    void release() {
        listeners.forEach(Nodes::closeQuietly);
        awaitAcceptors();
        Nodes.drain(List.copyOf(live.values()), "hub shutting down");
        if (cluster != null) {
            links.close();
            cluster.close(); // the lease goes, and with it this hub's registration and its clients' locations
        }
        Nodes.closeQuietly(device);
    }
}
