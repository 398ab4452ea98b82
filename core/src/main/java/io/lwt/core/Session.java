package io.lwt.core;

import io.lwt.api.ProtocolException;
import io.lwt.api.Side;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.Route;
import io.lwt.api.transport.Connection;
import io.lwt.api.tun.VirtioNetHeader;
import io.lwt.core.handshake.HandshakeMessage;
import io.lwt.core.noise.HandshakeState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One peer of a node: its {@link Link} (the connection and its pumps), its {@link Liveness}, its {@link Traffic}
 * counts, and what its handshake {@link Established}. It turns packets into messages of the tunnel protocol and
 * messages back into packets, handshake messages and keepalives, and hands what it receives to the node's
 * {@link SessionHandler}.
 *
 * <p>Threads: the link's reader delivers every received message ({@link #message}) and runs the handshake (the
 * {@link Opening} the handler gave it); any thread sends (the TUN reader, other sessions' readers on a hub, the handler); the node's ticker calls
 * {@link #tick}; status reports read it from anywhere. What the handshake establishes is published once, in one
 * volatile field; the tunnel address, for names, likewise.
 */
final class Session implements Peer, Link.Receiver {

    private static final int PROBE_LENGTH = Long.BYTES;
    /**
     * How long a client waits for the hub's answer on datagrams, which may be lost: then it tries a new handshake on a
     * new connection (its node backs off between attempts), rather than resend one the hub may have taken already.
     */
    static final Duration HANDSHAKE_ATTEMPT = Duration.ofSeconds(2);
    /**
     * For benchmarks only ({@code -Dlwt.benchmark.unsealed=true} on every node): messages after the handshake go
     * unsealed, so that {@code bench/run.sh seal} can say what sealing costs. Never for use: nothing then protects them.
     */
    private static final boolean UNSEALED_FOR_BENCHMARKS = Boolean.getBoolean("lwt.benchmark.unsealed");
    /** For benchmarks only: seal even inside a transport the handshake is bound to, the choice measured against. */
    private static final boolean SEALED_INSIDE_TLS_FOR_BENCHMARKS = Boolean.getBoolean("lwt.benchmark.sealed-inside-tls");

    private final SessionContext context;
    private final Link link;
    private final Liveness liveness;
    private final Traffic traffic = new Traffic();
    private final InetSocketAddress remote;
    private final Route.ToPeer route = new Route.ToPeer(this);
    private final Instant since = Instant.now();
    private volatile Established established;
    private volatile String tunnelAddress;
    private volatile String addressText;
    /** The handshake in progress: the reader's only. */
    private Opening opening;
    /** Whether the handshake is bound to the transport's own security (TLS), which then protects the messages. */
    private volatile boolean bound;

    /** A session that owns {@code inbound}, a buffer of {@link SessionContext#receiveBuffers}, until it ends. */
    Session(Connection connection, SessionContext context, ByteBuffer inbound) {
        this.context = context;
        this.remote = connection.remoteAddress();
        Duration handshakeTimeout = connection.carriesDatagrams() && context.side() == Side.CLIENT
                ? Nodes.min(context.handshakeTimeout(), HANDSHAKE_ATTEMPT) : context.handshakeTimeout();
        this.liveness = new Liveness(context.clock(), context.settings(), handshakeTimeout);
        this.link = new Link(connection, context, inbound, liveness, traffic, this);
    }

    /** Starts the link's reader, which runs the codec's preamble and then starts the writer. */
    void start() {
        link.start();
    }

    @Override
    public String name() {
        String address = tunnelAddress;
        return address == null ? remote.toString() : address + " (" + remote + ")";
    }

    /** The session column of log lines: the authenticated identity, else the remote address. */
    @Override
    public String logLabel() {
        String id = identity();
        return id != null ? id : remote.getHostString() + ":" + remote.getPort();
    }

    @Override
    public Route.ToPeer route() {
        return route;
    }

    InetSocketAddress remoteAddress() {
        return remote;
    }

    /** How long ago the session began. */
    Duration age() {
        return Duration.between(since, Instant.now());
    }

    /** The peer's identity as the transport authenticated it (a client certificate), if it does. */
    Optional<String> peerIdentity() {
        return link.connection().peerIdentity();
    }

    /** What the transport gives to bind the handshake to this connection (a TLS exporter), or nothing. */
    byte[] channelBinding() throws IOException {
        byte[] binding = link.connection().channelBinding().orElse(new byte[0]);
        bound = binding.length > 0;
        return binding;
    }

    /**
     * Seals every message from now on: the handshake is done (see {@link Link#protect}). On a transport that the
     * handshake is bound to (TLS) the transport alone protects them: sealing inside TLS cost a quarter of the
     * throughput (docs/benchmarks.md), and the binding already ties the authenticated peers to that TLS session.
     */
    void protect(HandshakeState.Transport keys) {
        if ((!bound || SEALED_INSIDE_TLS_FOR_BENCHMARKS) && !UNSEALED_FOR_BENCHMARKS) {
            link.protect(SessionKeys.of(keys, carriesDatagrams(), context.rekeying(), context.clock()));
        }
    }

    /** Records the tunnel address the hub registered for this peer, for names in logs and status. */
    void tunnelAddress(String label, String address) {
        this.tunnelAddress = label;
        this.addressText = address;
    }

    boolean tunnelAddressUnknown() {
        return tunnelAddress == null;
    }

    NodeStatus.Peer status() {
        SessionKeys keys = link.keys();
        NodeStatus.Protection protection = keys != null ? new NodeStatus.Protection(keys.cipher(), keys.age(), keys.rekeys())
                : bound && isEstablished() ? new NodeStatus.Protection("TLS", Duration.between(since, Instant.now()), 0)
                : null;
        // where the peer is now: a datagram connection follows a client whose address changed
        return new NodeStatus.Peer(identity(), addressText, link.connection().remoteAddress().toString(), since, traffic.rxPackets, traffic.rxBytes,
                traffic.txPackets, traffic.txBytes, traffic.rxRate(), traffic.txRate(), link.queued(), liveness.rtt(),
                protection);
    }

    @Override
    public boolean isEstablished() {
        return established != null;
    }

    /**
     * Ends the handshake: data may flow from now on. A hub queues its WELCOME first, so that no packet routed to the
     * peer, nor a probe, overtakes it.
     */
    void establish(Established state) {
        this.established = state;
    }

    /** Keepalive and timeout as the hub's WELCOME set them, replacing the node's own. */
    void settings(SessionSettings settings) {
        liveness.use(settings);
    }

    /** The authenticated identity; null before the handshake, and for a legacy hub's clients. */
    String identity() {
        Established e = established;
        return e == null ? null : e.identity();
    }

    /**
     * Whether the session's connection carries datagrams: then neither end offers to take super-segments, which are
     * cut into packets before sending, since a datagram must fit the path.
     */
    boolean carriesDatagrams() {
        return link.connection().carriesDatagrams();
    }

    /** On a link between the hubs of a cluster, the other hub's name; null on a client's session, or before. */
    String linkTo() {
        Established e = established;
        return e == null ? null : e.linkTo();
    }

    /** Whether this peer may send the packet: its source is the peer's own address, or inside a subnet behind it. */
    boolean allowsSource(ByteBuffer packet) {
        Established e = established;
        return e != null && e.sources().allows(packet);
    }

    /** Queues a handshake message. */
    void sendHandshake(HandshakeMessage message) {
        ByteBuffer buffer = context.packets().acquire();
        if (buffer == null) {
            close("no buffer for the handshake");
            return;
        }
        buffer.position(PacketBuffers.HEADROOM - 1);
        buffer.put(message.type());
        message.write(buffer);
        buffer.limit(buffer.position()).position(PacketBuffers.HEADROOM - 1);
        link.offer(buffer, SendQueue.CONTROL, "queue-full");
    }

    /** Sends one last handshake message (a REJECT), then closes with {@code reason}. */
    void sendLastAndClose(HandshakeMessage message, String reason) {
        link.closeWhenSent(reason); // before queueing, so the writer cannot miss it
        sendHandshake(message);
    }

    boolean isClosed() {
        return link.isClosed();
    }

    String closeReason() {
        return link.closeReason();
    }

    /**
     * Closes once the packets already queued are sent: a node shutting down delivers what it accepted. The keepalive
     * wakes a writer waiting on an empty queue, so that it sees the order.
     */
    void drainAndClose(String reason) {
        link.closeWhenSent(reason);
        sendControl(Messages.KEEPALIVE, false, 0);
    }

    /** Waits for the session to close; false when it is still open after {@code timeout}. */
    boolean awaitClosed(Duration timeout) throws InterruptedException {
        return link.awaitClosed(timeout);
    }

    void awaitClosed() throws InterruptedException {
        link.awaitClosed();
    }

    /** Closes the connection once; later calls do nothing. */
    void close(String reason) {
        link.close(reason);
    }

    @Override
    public void closed(String reason) {
        context.handler().closed(this, reason);
    }

    @Override
    public void opened() throws IOException {
        opening = context.handler().opened(this);
    }

    /**
     * Queues a pooled buffer holding one packet at its position (with its {@link VirtioNetHeader} just before it when
     * {@code withHeader}); the session owns the buffer from now on, whether it is sent or dropped. A peer that takes
     * super-segments gets {@link Messages#DATA_GSO} (an empty header is added to a plain packet); another gets
     * {@link Messages#DATA}, super-segments cut into whole packets first. Before the handshake ends a packet is
     * dropped.
     */
    void send(ByteBuffer packet, boolean withHeader) {
        Established e = established;
        if (e == null) {
            context.packets().release(packet);
            context.counters().drop("handshake-pending");
            return;
        }
        int start = packet.position();
        int flow = SendQueue.bucket(FlowHash.of(packet, start));
        if (e.peerTakesSuperSegments()) {
            if (!withHeader) {
                VirtioNetHeader.writeNone(packet, start - VirtioNetHeader.LENGTH);
            }
            packet.put(start - VirtioNetHeader.LENGTH - 1, Messages.DATA_GSO).position(start - VirtioNetHeader.LENGTH - 1);
        } else if (withHeader && Offloads.needsCutting(packet)) {
            try {
                Offloads.cut(packet, context.packets(), context.counters(), segment -> send(segment, false));
            } catch (IOException ex) {
                throw new AssertionError(ex); // queueing throws nothing
            } finally {
                context.packets().release(packet);
            }
            return;
        } else {
            packet.put(start - 1, Messages.DATA).position(start - 1);
        }
        if (!link.writeNow(packet)) {
            link.offer(packet, flow, "queue-full");
        }
    }

    /** Copies a packet (a view owned by someone else, with its header when {@code withHeader}) and queues it. */
    void sendCopy(ByteBuffer packet, boolean withHeader) {
        ByteBuffer copy = context.packets().copyOf(packet, withHeader);
        if (copy == null) {
            context.counters().drop("no-buffer");
            return;
        }
        send(copy, withHeader);
    }

    /** Closes a session past its deadline or silent for its timeout, and sends the probe or keepalive that is due. */
    void tick() {
        if (link.isClosed()) {
            return;
        }
        traffic.sample(liveness.now());
        Established e = established;
        switch (liveness.due(e != null, e != null && e.probes())) {
            case HANDSHAKE_TIMEOUT -> close(liveness.closeReason(Liveness.Due.HANDSHAKE_TIMEOUT));
            case TIMEOUT -> close(liveness.closeReason(Liveness.Due.TIMEOUT));
            case PROBE -> sendControl(Messages.KEEPALIVE, true, liveness.probe());
            case KEEPALIVE -> sendControl(Messages.KEEPALIVE, false, 0);
            case NOTHING -> { }
        }
    }

    /** Queues a keepalive or an echo, with an 8-byte body when {@code withBody}. */
    private void sendControl(byte type, boolean withBody, long body) {
        ByteBuffer message = context.packets().acquire();
        if (message == null) {
            return;
        }
        message.put(PacketBuffers.HEADROOM - 1, type);
        if (withBody) {
            message.putLong(PacketBuffers.HEADROOM, body);
        }
        message.limit(PacketBuffers.HEADROOM + (withBody ? PROBE_LENGTH : 0)).position(PacketBuffers.HEADROOM - 1);
        link.offer(message, SendQueue.CONTROL, "keepalive-queue-full");
    }

    @Override
    public void message(ByteBuffer message) throws IOException {
        int start = message.position();
        int end = message.limit();
        byte type = message.get(start);
        Established e = established;
        switch (type) {
            case Messages.DATA -> {
                int length = end - start - 1;
                if (e == null) {
                    throw new ProtocolException("data before the handshake finished");
                }
                if (length > context.mtu()) {
                    throw new ProtocolException("a packet of " + length + " bytes, more than the mtu " + context.mtu());
                }
                traffic.received(length);
                context.handler().packet(this, message.position(start + 1), false);
            }
            case Messages.DATA_GSO -> {
                int packetStart = start + 1 + VirtioNetHeader.LENGTH;
                int length = end - packetStart;
                if (e == null || !context.superSegments()) {
                    throw new ProtocolException(e != null ? "a super-segment, which this session did not offer to take"
                            : "data before the handshake finished");
                }
                if (length <= 0 || length > context.mtu() && !Offloads.needsCutting(message.position(packetStart))) {
                    throw new ProtocolException("a packet of " + length + " bytes, more than the mtu " + context.mtu()
                            + " and not a super-segment");
                }
                String refusal = Offloads.refusal(message.position(packetStart));
                if (refusal != null) {
                    throw new ProtocolException(refusal);
                }
                traffic.received(length);
                context.handler().packet(this, message.position(packetStart), true);
            }
            case Messages.KEEPALIVE -> {
                if (end - start - 1 == PROBE_LENGTH && e != null) {
                    sendControl(Messages.KEEPALIVE_ECHO, true, message.getLong(start + 1));
                }
            }
            case Messages.KEEPALIVE_ECHO -> {
                if (e == null || !e.probes() || end - start - 1 != PROBE_LENGTH) {
                    throw new ProtocolException("unexpected keepalive echo of " + (end - start - 1) + " bytes");
                }
                liveness.echoed(message.getLong(start + 1));
            }
            default -> {
                if (!HandshakeMessage.isHandshake(type)) {
                    throw new ProtocolException(String.format("unknown message type 0x%02x", type));
                }
                if (e != null) {
                    throw new ProtocolException(String.format("handshake message 0x%02x after the handshake", type));
                }
                if (opening == null || !opening.takes(type)) {
                    throw new ProtocolException(String.format("unexpected handshake message 0x%02x", type));
                }
                opening.message(HandshakeMessage.read(type, message.position(start + 1)));
                if (established != null) {
                    opening = null; // done: its nonces and keys need not outlive it
                }
            }
        }
        message.limit(end).position(start);
    }

    /**
     * Writes a packet from this peer to the TUN device. The codec's buffer may be anything (not necessarily the
     * receive buffer), so the packet is written while it is valid rather than batched.
     */
    void deliverToTun(ByteBuffer packet, boolean withHeader) throws IOException {
        context.tun().write(packet, withHeader);
    }
}
