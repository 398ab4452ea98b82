package io.lwt.core;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

/**
 * How a hub's sessions begin and which of their packets it takes: the secure protocol ({@link SecureHub}), or the
 * original program's ({@link LegacyHub}). The accept thread asks {@link #refusal}; each session's reader calls
 * {@link #opened}, the {@link Opening} it returns, and {@link #admits}; a reload calls {@link #reload}.
 */
sealed interface HubProtocol permits SecureHub, LegacyHub {

    /**
     * The protocol that the hub's access names. A secure hub's pool reads its state file now, unless the hub is one
     * of a cluster, whose hubs keep their clients' addresses in their shared store.
     *
     * @param cluster the hub's part in its cluster, or null; {@code links} its links to the other hubs
     * @throws IOException when the pool's state cannot be read
     */
    static HubProtocol of(HubSpec spec, AddressTable<Session> addresses, Counters counters, Capacity capacity,
            HubCluster cluster, HubLinks links) throws IOException {
        return switch (spec.access()) {
            case HubAccess.Secure secure -> new SecureHub(secure, spec.tun(), spec.session(),
                    cluster == null ? PoolState.open(secure)
                            : secure.pool() == null ? null : cluster.addresses(secure.pool()),
                    cluster, links, addresses, counters, capacity);
            case HubAccess.Legacy _ -> new LegacyHub(addresses, counters, capacity, spec.tun().address());
        };
    }

    /** Whether the hub has room for one more client: max-clients bounds the sessions past their handshake. */
    @FunctionalInterface
    interface Capacity {
        /** Why {@code name} (null for a legacy client) cannot join now, not counting an older session of its own. */
        String full(String name);
    }

    /**
     * Why a new connection from {@code remote} is refused before it becomes a session (over the connection rate of
     * its source), or null to admit it.
     */
    String refusal(InetAddress remote);

    /** How many connections may be in the handshake at once (see {@link PendingConnections}). */
    int maxHandshakes();

    /** The session's codec is ready: begin its handshake, or establish it at once (returning null). */
    Opening opened(Session session) throws IOException;

    /**
     * Whether a packet from an established session may enter the hub: the secure protocol checks that its source is
     * the sender's; the original's learns the sender's address from it. A refused packet is counted here.
     */
    boolean admits(Session from, ByteBuffer packet);

    /** Whether the session counts as one in the handshake, for the limits: not yet established, by default. */
    default boolean inHandshake(Session session) {
        return !session.isEstablished();
    }

    /** Why a session of {@code age} must end for want of progress (the handshake has its own deadline), or null. */
    default String overdue(Session session, Duration age) {
        return null;
    }

    /** Whether sessions offer to take super-segments (DATA_GSO), which the original's peers do not know. */
    boolean superSegments();

    Duration handshakeTimeout();

    /**
     * Takes the live part of a changed definition of who may join (the same kind of access as this one's), adding a
     * phrase to {@code applied} per change; returns the identities whose sessions must end (removed or changed
     * clients).
     */
    List<String> reload(HubAccess next, List<String> applied);

    /** Handshakes refused since start (wrong key, unknown name, exhausted pool). */
    long handshakeFailures();

    /** Sessions that ended because the same client connected again. */
    long replacedSessions();
}
