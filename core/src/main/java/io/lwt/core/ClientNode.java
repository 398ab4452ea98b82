package io.lwt.core;

import io.lwt.api.IpPrefix;
import io.lwt.api.Printable;
import io.lwt.api.Side;
import io.lwt.api.ValueSyntax;
import io.lwt.api.codec.Codec;
import io.lwt.api.transport.Transport;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunDriver;
import io.lwt.api.tun.TunOptions;
import io.lwt.core.handshake.ClientHandshake;
import io.lwt.core.handshake.Grant;
import io.lwt.core.handshake.Reject;
import io.lwt.core.handshake.Response;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client: one session to the hub, carrying everything its TUN device produces. With {@link ClientAuth.Secure}
 * it proves its key in the handshake and configures its TUN device from the hub's WELCOME; the device is created
 * on the first WELCOME and stays up across reconnects, so applications see no interface flap. A lost session is
 * re-established with capped exponential backoff and jitter; a permanent refusal (wrong key) stops the node.
 */
public final class ClientNode extends NodeLifecycle {

    private static final System.Logger LOG = System.getLogger(ClientNode.class.getName());
    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final ClientSpec spec;
    private final TunDriver tun;
    /** In order of preference: a stream transport and a datagram transport, say, where the second is a fallback. */
    private final List<Transport> transports;
    /** The indices of the transport and the hub of the session now, or of the next attempt; the connect thread's. */
    private volatile int transport;
    private int hub;
    private final PacketBuffers buffers;
    private final Counters counters = new Counters(LOG);
    private final SessionContext sessions;
    private volatile TunDevice device;
    private volatile Session session;
    private final AtomicLong sessionsStarted = new AtomicLong();
    private volatile Thread connector;

    private ClientNode(ClientSpec spec, TunDriver tun, List<Transport> transports, Codec codec) {
        super(LOG);
        this.spec = spec;
        this.tun = tun;
        this.transports = List.copyOf(transports);
        this.hub = ThreadLocalRandom.current().nextInt(spec.hubs().size());
        boolean superSegments = spec.auth() instanceof ClientAuth.Secure;
        this.buffers = new PacketBuffers(spec.mtu(), SessionContext.tailroom(codec, superSegments));
        // one session at a time; the second buffer covers the moment a closed session's reader is still returning its
        this.sessions = new SessionContext(codec, Side.CLIENT, spec.mtu(), superSegments, spec.session(),
                HubAccess.Secure.DEFAULT_HANDSHAKE_TIMEOUT, buffers,
                SessionContext.receiveBuffers(codec, spec.mtu(), superSegments, 2),
                // one session reads at a time, and only established sessions, which come after the device, carry data
                new TunWriter(() -> device, buffers, counters), counters, new Handler(), () -> true, System::nanoTime,
                SessionKeys.Rekeying.DEFAULT);
    }

    /**
     * Starts connecting to the hub and returns at once. A legacy client opens its TUN device now; a secure one when
     * the hub's WELCOME names its address. "tunnel up" is logged when the session is established.
     *
     * @param transports at least one, in order of preference (see {@link #connectLoop})
     * @throws IOException when a legacy client's TUN device cannot be set up
     */
    public static ClientNode start(ClientSpec spec, TunDriver tun, List<Transport> transports, Codec codec)
            throws IOException {
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("a client needs a transport");
        }
        Nodes.checkHeadroom(codec);
        ClientNode client = new ClientNode(spec, tun, transports, codec);
        if (spec.auth() instanceof ClientAuth.Legacy(var address)) {
            client.openDevice(new TunOptions(spec.device(), address, spec.mtu()));
        }
        client.connector = Threads.virtual("lwt-connect").start(client::connectLoop);
        Threads.virtual("lwt-ticker").start(() -> Nodes.tick(spec.session(), client.closed, client::tick));
        return client;
    }

    private void openDevice(TunOptions options) throws IOException {
        TunDevice opened = tun.open(options);
        device = opened;
        TunReader.start("lwt-tun-reader", opened, buffers, this::fromTun, e -> stop("TUN device failed: " + Nodes.describe(e)));
    }

    /** Whether a session to the hub is established now. */
    public boolean isConnected() {
        Session s = session;
        return s != null && !s.isClosed() && s.isEstablished();
    }

    /** The TUN device's name, or null before the first WELCOME. */
    public String deviceName() {
        TunDevice d = device;
        return d == null ? null : d.name();
    }

    @Override
    public NodeStatus status() {
        Session s = session;
        return new NodeStatus(spec.name(), "client", s == null || s.isClosed() ? List.of() : List.of(s.status()),
                counters.drops(), Math.max(0, sessionsStarted.get() - 1));
    }

    public Counters counters() {
        return counters;
    }

    /**
     * Connects, and connects again whenever the session ends, until the node closes. An attempt is a hub and a
     * transport:
     * <ul>
     * <li>the first hub is drawn at random, so that the clients of a network spread over its hubs;</li>
     * <li>at a hub the transports are tried in order: an attempt that ends before its session is established (a dial
     * that fails, a handshake that gets no answer, as when a firewall drops UDP) moves on to the next transport at
     * once, and after the last to another hub;</li>
     * <li>after a session ends, or when a hub failed on every transport, the client draws another hub than the one it
     * leaves (while there are others) and waits a little, at random: a failed hub's clients spread over the survivors,
     * in time as well, instead of all landing on the next one in their lists;</li>
     * <li>once every hub failed in a row, it backs off, from {@link #FIRST_RETRY} doubling to {@link #MAX_RETRY}, with
     * jitter; after a session that lasted, it starts again from the first.</li>
     * </ul>
     * The TUN device and its addresses stay: a hub of the same network (with its addresses kept in a cluster store,
     * or fixed) grants the same ones.
     */
    private void connectLoop() {
        Duration retry = FIRST_RETRY;
        int attempts = spec.hubs().size() * transports.size();
        int failures = 0;
        try {
            while (!closed.get()) {
                Transport current = transports.get(transport);
                InetSocketAddress address = spec.hubs().get(hub);
                Session s;
                try {
                    s = connect(address, current);
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot reach hub {0} over {1}: {2}", address, current, Nodes.describe(e));
                    s = null;
                }
                boolean established = false;
                boolean lasted = false;
                if (s != null) {
                    session = s;
                    sessionsStarted.incrementAndGet();
                    if (closed.get()) {
                        s.close("client shutting down");
                        return;
                    }
                    long start = System.nanoTime();
                    s.start();
                    s.awaitClosed();
                    established = s.isEstablished();
                    // only a session that lasted proves the hub healthy; one refused at once keeps backing off
                    lasted = System.nanoTime() - start >= spec.session().timeout().toNanos();
                }
                if (closed.get()) {
                    return;
                }
                failures = established ? 0 : failures + 1;
                if (!established && transport + 1 < transports.size()) {
                    transport++;
                    LOG.log(Level.WARNING, "trying {0} instead", transports.get(transport));
                    continue;
                }
                transport = 0;
                hub = anotherHub(hub);
                Duration wait;
                if (!established && failures % attempts != 0) {
                    wait = Nodes.jitter(FIRST_RETRY); // another hub: soon, but not all of a failed hub's clients at once
                } else {
                    retry = lasted ? FIRST_RETRY : Nodes.min(retry.multipliedBy(2), MAX_RETRY);
                    wait = Nodes.jitter(retry);
                }
                LOG.log(Level.WARNING, "reconnecting in {0} to {1}", ValueSyntax.text(wait), spec.hubs().get(hub));
                Thread.sleep(wait);
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Another hub than {@code current}, drawn at random; the same one when it is the only one. */
    private int anotherHub(int current) {
        int n = spec.hubs().size();
        return n == 1 ? current : (current + 1 + ThreadLocalRandom.current().nextInt(n - 1)) % n;
    }

    private Session connect(InetSocketAddress hub, Transport transport) throws IOException {
        ByteBuffer inbound = sessions.receiveBuffers().acquire();
        if (inbound == null) {
            throw new IOException("the previous session has not released its receive buffer yet");
        }
        try {
            return new Session(transport.dial(hub, DIAL_TIMEOUT), sessions, inbound);
        } catch (IOException | RuntimeException e) {
            sessions.receiveBuffers().release(inbound);
            throw e;
        }
    }

    private boolean fromTun(ByteBuffer packet) {
        String linkScope = LinkScope.dropReason(packet);
        if (linkScope != null) {
            counters.drop(linkScope);
            return false;
        }
        Session s = session;
        if (s == null || s.isClosed() || !s.isEstablished()) {
            counters.drop("not-connected");
            return false;
        }
        s.send(packet, device.offloads());
        return true;
    }

    private void tunnelUp(Session s) {
        TunDevice d = device;
        LOG.log(Level.INFO, "tunnel up: client {0} connected to {1} over {2}, device {3} mtu {4}", spec.name(),
                s.remoteAddress(), transports.get(transport),
                d.name(), String.valueOf(d.mtu()));
    }

    /** The client's part in its session: the handshake that opens it, its packets to the TUN device, its end. */
    private final class Handler implements SessionHandler {
        /** The addresses of the first WELCOME, as text; a hub that later assigns others stops this client. */
        private volatile String assigned;

        @Override
        public Opening opened(Session s) throws IOException {
            return switch (spec.auth()) {
                case ClientAuth.Legacy _ -> {
                    s.establish(Established.legacy(spec.name()));
                    tunnelUp(s);
                    yield null;
                }
                case ClientAuth.Secure auth -> joining(s, auth);
            };
        }

        /**
         * Speaks first, with the INITIATION, then takes the hub's RESPONSE: a grant, or a refusal that only the hub could
         * have written. Anything else (garbage, a forged answer, a closed connection) ends the session as a temporary
         * failure, and the client tries again.
         */
        private Opening joining(Session s, ClientAuth.Secure auth) throws IOException {
            ClientHandshake handshake = new ClientHandshake(auth.key(), auth.hubKey(), s.channelBinding());
            s.sendHandshake(handshake.initiation(!s.carriesDatagrams()));
            return Opening.taking(Response.TYPE, Response.class, response -> {
                switch (handshake.read(response)) {
                    case Grant grant -> {
                        s.protect(handshake.keys());
                        welcomed(s, auth, grant);
                    }
                    case Reject reject -> {
                        String text = Printable.of(reject.text()); // the hub's, but text from the network all the same
                        if (reject.reason().permanent()) {
                            stop(Failure.Kind.REFUSED, "the hub refused this client: " + text);
                        } else {
                            LOG.log(Level.WARNING, "the hub refused this client for now: {0}", text);
                        }
                        s.close("rejected: " + text);
                    }
                }
            });
        }

        private void welcomed(Session s, ClientAuth.Secure auth, Grant grant) throws IOException {
            if (grant.mtu() != spec.mtu()) {
                stop(Failure.Kind.CONFIGURATION, "the hub's mtu is " + grant.mtu() + " but this client's is " + spec.mtu() + ": set mtu: " + grant.mtu());
                return;
            }
            IpPrefix ipv6 = grant.ipv6Address();
            TunDevice d = device;
            if (d == null) {
                openDevice(new TunOptions(spec.device(), grant.address(), ipv6, grant.mtu(), grant.routes()));
            } else if (!grant.addresses().equals(assigned)) {
                stop("the hub now assigns " + grant.addresses() + " instead of " + assigned + "; restart this client");
                return;
            }
            assigned = grant.addresses();
            s.tunnelAddress("hub", IpPrefix.text(grant.address().address())
                    + (ipv6 == null ? "" : " " + IpPrefix.text(ipv6.address())));
            s.settings(new SessionSettings(grant.keepalive(), grant.timeout(), spec.session().sendQueue(),
                    spec.session().sendQueueBytes()));
            s.establish(Established.secure(auth.identity(), Sources.NONE, grant.takesSuperSegments()));
            tunnelUp(s);
        }

        @Override
        public void packet(Session from, ByteBuffer packet, boolean withHeader) throws IOException {
            from.deliverToTun(packet, withHeader);
        }

        @Override
        public void closed(Session s, String reason) {
            LOG.log(closed.get() ? Level.INFO : Level.WARNING, "session {0} closed: {1}", s.name(), reason);
        }
    }

    private void tick() {
        Session s = session;
        if (s != null) {
            s.tick();
        }
    }

    /** Closes the session and removes the TUN device. */
    @Override
    void release() {
        Thread c = connector;
        if (c != null) {
            c.interrupt();
        }
        TunDevice d = device;
        if (d != null) {
            Nodes.closeQuietly(d); // first: nothing new is queued while the session sends what it has
        }
        Session s = session;
        if (s != null) {
            Nodes.drain(List.of(s), "client shutting down");
        }
    }
}
