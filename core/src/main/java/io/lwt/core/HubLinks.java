package io.lwt.core;

import io.lwt.api.Printable;
import io.lwt.api.ValueSyntax;
import io.lwt.api.transport.Transport;
import io.lwt.core.handshake.ClientHandshake;
import io.lwt.core.handshake.Grant;
import io.lwt.core.handshake.Reject;
import io.lwt.core.handshake.Response;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The links between a hub and the other hubs of its cluster: one session between each pair, dialed by the hub whose
 * name sorts first and accepted by the other like a client's, with the same handshake (under the key the hubs share,
 * {@link io.lwt.core.handshake.Protocol#linkKey}) and the same sealing. A packet of one of this hub's clients for a
 * client of another hub crosses that hub's link; a packet that came over a link goes no further than this hub's own
 * clients, so a packet crosses one link at most.
 *
 * <p>Threads: the store's watch thread tells it of the cluster's members ({@link #members}); a virtual thread per hub
 * this one dials connects, waits for the link's end and connects again, with backoff, while that hub is a member;
 * sessions' readers look links up ({@link #to}); links open and close in their sessions' threads.
 */
final class HubLinks {

    private static final System.Logger LOG = System.getLogger(HubLinks.class.getName());
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);

    private final String self;
    private final byte[] linkKey;
    private final byte[] hubKey;
    private final Transport transport;
    private final Consumer<Session> started;
    private final Map<String, Session> links = new ConcurrentHashMap<>();
    private final Map<String, String> members = new ConcurrentHashMap<>();
    /** The hubs this one dials, with the thread that does. */
    private final Map<String, Thread> dialing = new ConcurrentHashMap<>();
    /** The hub each dialed session is for, until it ends. */
    private final Map<Session, String> targets = new ConcurrentHashMap<>();
    private volatile SessionContext context;
    private volatile boolean closed;

    /**
     * @param linkKey the links' pre-shared key, derived from the hubs' static private key
     * @param hubKey the hubs' static public key, which the dialing hub pins
     * @param transport what this hub dials other hubs with (its first transport)
     * @param started registers a dialed session with the hub (its ticks and status), before it starts
     */
    HubLinks(String self, byte[] linkKey, byte[] hubKey, Transport transport, Consumer<Session> started) {
        this.self = self;
        this.linkKey = linkKey.clone();
        this.hubKey = hubKey.clone();
        this.transport = transport;
        this.started = started;
    }

    /** The sessions this hub dials are made in {@code dialed}, whose handler is {@link #handler}. */
    void context(SessionContext dialed) {
        this.context = dialed;
    }

    /** The live link to {@code hub}, or null. */
    Session to(String hub) {
        return links.get(hub);
    }

    /** A link established, either way: it replaces an older one to the same hub. */
    void opened(String hub, Session session) {
        Session older = links.put(hub, session);
        if (older != null && older != session) {
            older.close("replaced by a new link to hub " + hub);
        }
        LOG.log(Level.INFO, "link to hub {0} up ({1})", hub, session.remoteAddress());
    }

    /** A link's session ended. */
    void closed(Session session, String reason) {
        String hub = session.linkTo();
        if (hub != null && links.remove(hub, session)) {
            LOG.log(Level.WARNING, "link to hub {0} closed: {1}", hub, reason);
        }
        targets.remove(session);
    }

    /**
     * The cluster's members now, hub names to the endpoints they registered: this hub dials each one whose name sorts
     * after its own and that it does not dial yet.
     */
    void members(Map<String, String> now) {
        members.keySet().retainAll(now.keySet());
        members.putAll(now);
        for (String hub : now.keySet()) {
            if (hub.compareTo(self) > 0) {
                startDialing(hub);
            }
        }
    }

    private synchronized void startDialing(String hub) {
        if (!closed && members.containsKey(hub) && !dialing.containsKey(hub)) {
            Thread dialer = Threads.virtual("lwt-link-" + hub).unstarted(() -> dialLoop(hub));
            dialing.put(hub, dialer);
            dialer.start();
        }
    }

    private void dialLoop(String hub) {
        Duration retry = FIRST_RETRY;
        try {
            while (!closed && members.containsKey(hub)) {
                long start = System.nanoTime();
                Session s = dial(hub, members.get(hub));
                if (s != null) {
                    s.awaitClosed();
                }
                boolean lasted = System.nanoTime() - start > Duration.ofSeconds(10).toNanos();
                retry = lasted ? FIRST_RETRY : Nodes.min(retry.multipliedBy(2), MAX_RETRY);
                Thread.sleep(Nodes.jitter(retry));
            }
        } catch (InterruptedException e) {
            return; // the hub is closing
        } finally {
            dialing.remove(hub, Thread.currentThread());
        }
        startDialing(hub); // in case it came back in the meantime
    }

    /** Dials {@code hub} at {@code endpoint} ({@code host:port}) and starts the session; null when it failed. */
    private Session dial(String hub, String endpoint) {
        SessionContext c = context;
        ByteBuffer inbound = c.receiveBuffers().acquire();
        if (inbound == null) {
            return null;
        }
        try {
            InetSocketAddress address = ValueSyntax.socketAddress(endpoint, true);
            Session s = new Session(transport.dial(address, ClientNode.DIAL_TIMEOUT), c, inbound);
            if (closed) { // the hub stopped while this one dialed: it must not join sessions already drained
                s.close("hub shutting down");
                return null;
            }
            targets.put(s, hub);
            started.accept(s);
            s.start();
            return s;
        } catch (IOException | RuntimeException e) {
            c.receiveBuffers().release(inbound);
            LOG.log(Level.DEBUG, "cannot reach hub {0} at {1}: {2}", hub, endpoint, Nodes.describe(e));
            return null;
        }
    }

    /**
     * Dialed links' handshakes: the client's side, under the links' key, naming this hub; the other hub's grant
     * establishes the link.
     */
    Opening opened(Session s) throws IOException {
        String hub = targets.get(s);
        ClientHandshake handshake = new ClientHandshake(linkKey, hubKey, s.channelBinding());
        s.sendHandshake(handshake.initiation(!s.carriesDatagrams(), self));
        return Opening.taking(Response.TYPE, Response.class, response -> {
            switch (handshake.read(response)) {
                case Grant grant -> {
                    s.protect(handshake.keys());
                    s.establish(Established.link(hub, grant.takesSuperSegments()));
                    opened(hub, s);
                }
                case Reject reject -> s.close("hub " + hub + " refused the link: " + Printable.of(reject.text()));
            }
        });
    }

    /** Stops dialing (a dial under way is abandoned); the links' sessions end with the hub's others. */
    synchronized void close() {
        closed = true;
        dialing.values().forEach(Thread::interrupt);
    }
}
