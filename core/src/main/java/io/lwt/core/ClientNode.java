package io.lwt.core;

import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Transport;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunDriver;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client: one session to the hub, carrying everything its TUN device produces. When the session ends it
 * reconnects with capped exponential backoff and jitter; the TUN device stays up meanwhile, so applications see
 * no interface flap.
 */
public final class ClientNode implements TunnelNode {

    private static final System.Logger LOG = System.getLogger(ClientNode.class.getName());
    static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final ClientSpec spec;
    private final Transport transport;
    private final TunDevice device;
    private final PacketBuffers buffers;
    private final Counters counters = new Counters(LOG);
    private final SessionContext sessions;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile Session session;
    private volatile Thread connector;

    private ClientNode(ClientSpec spec, Transport transport, Codec codec, TunDevice device) {
        this.spec = spec;
        this.transport = transport;
        this.device = device;
        this.buffers = new PacketBuffers(spec.tun().mtu());
        // one session at a time; the second buffer covers the moment a closed session's reader is still returning its
        this.sessions = new SessionContext(codec, Side.CLIENT, spec.tun().mtu(), spec.session(), buffers,
                SessionContext.receiveBuffers(codec, spec.tun().mtu(), 2), new TunWriter(device), counters, new Handler());
    }

    /**
     * Opens the TUN device and starts connecting to the hub; returns at once. "tunnel up" is logged on connection.
     *
     * @throws IOException when the TUN device cannot be set up
     */
    public static ClientNode start(ClientSpec spec, TunDriver tun, Transport transport, Codec codec) throws IOException {
        Nodes.checkHeadroom(codec);
        ClientNode client = new ClientNode(spec, transport, codec, tun.open(spec.tun()));
        client.run();
        return client;
    }

    private void run() {
        TunReader.start("lwt-tun-reader", device, buffers, this::fromTun, e -> {
            if (!closed.get()) {
                LOG.log(Level.ERROR, "TUN device failed: {0}; stopping", Session.describe(e));
                close();
            }
        });
        connector = Thread.ofVirtual().name("lwt-connect").start(this::connectLoop);
        Thread.ofVirtual().name("lwt-ticker").start(() -> Nodes.tick(spec.session(), closed, this::tick));
    }

    /** Whether a session to the hub is up now. */
    public boolean isConnected() {
        Session s = session;
        return s != null && !s.isClosed();
    }

    public String deviceName() {
        return device.name();
    }

    public Counters counters() {
        return counters;
    }

    private void connectLoop() {
        Duration retry = FIRST_RETRY;
        try {
            while (!closed.get()) {
                Session s;
                try {
                    s = connect();
                } catch (IOException | RuntimeException e) {
                    Duration wait = jitter(retry);
                    LOG.log(Level.WARNING, "cannot reach hub {0}: {1}; retrying in {2}", spec.hub(),
                            Session.describe(e), Nodes.text(wait));
                    Thread.sleep(wait);
                    retry = min(retry.multipliedBy(2), MAX_RETRY);
                    continue;
                }
                session = s;
                if (closed.get()) {
                    s.close("client shutting down");
                    return;
                }
                long start = System.nanoTime();
                s.start();
                LOG.log(Level.INFO, "tunnel up: client {0} connected to {1}, device {2} {3} mtu {4}",
                        spec.name(), s.remoteAddress(), device.name(), spec.tun().address(), String.valueOf(device.mtu()));
                s.awaitClosed();
                // only a session that lasted proves the hub healthy; one refused at once keeps backing off
                boolean lasted = System.nanoTime() - start >= spec.session().timeout().toNanos();
                retry = lasted ? FIRST_RETRY : min(retry.multipliedBy(2), MAX_RETRY);
                if (!closed.get()) {
                    Duration wait = jitter(retry);
                    LOG.log(Level.WARNING, "reconnecting in {0}", Nodes.text(wait));
                    Thread.sleep(wait);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    private Session connect() throws IOException {
        ByteBuffer inbound = sessions.receiveBuffers().acquire();
        if (inbound == null) {
            throw new IOException("the previous session has not released its receive buffer yet");
        }
        try {
            return new Session(transport.dial(spec.hub(), DIAL_TIMEOUT), sessions, inbound);
        } catch (IOException | RuntimeException e) {
            sessions.receiveBuffers().release(inbound);
            throw e;
        }
    }

    /** Spreads retries of many clients over [d/2, d], so they do not reconnect in lockstep after a hub restart. */
    private static Duration jitter(Duration d) {
        long millis = d.toMillis();
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private boolean fromTun(ByteBuffer packet) {
        Session s = session;
        if (s == null || s.isClosed()) {
            counters.drop("not-connected");
            return false;
        }
        s.send(packet);
        return true;
    }

    private final class Handler implements Session.Handler {
        @Override
        public void packet(Session from, ByteBuffer packet) throws IOException {
            from.deliverToTun(packet);
        }

        @Override
        public void closed(Session s, String reason) {
            LOG.log(closed.get() ? Level.INFO : Level.WARNING, "session {0} closed: {1}", s.name(), reason);
        }
    }

    private void tick(long now) {
        Session s = session;
        if (s != null) {
            s.tick(now);
        }
    }

    @Override
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /** Closes the session and removes the TUN device. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread c = connector;
        if (c != null) {
            c.interrupt();
        }
        Session s = session;
        if (s != null) {
            s.close("client shutting down");
        }
        Nodes.closeQuietly(device);
        LOG.log(Level.INFO, "stopped");
        terminated.countDown();
    }
}
