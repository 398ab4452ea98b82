package io.lwt.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a running node reports about itself: its sessions with their counters, its drops by reason, and a clustered
 * hub's view of its cluster.
 *
 * @param reconnects a client's sessions after its first; a hub's sessions that replaced one of the same client
 * @param role {@code hub} or {@code client}
 * @param cluster null unless the node is a hub of a cluster
 */
public record NodeStatus(String node, String role, List<Peer> peers, Map<String, Long> drops, long reconnects,
        Cluster cluster) {

    public NodeStatus {
        peers = List.copyOf(peers);
        drops = Map.copyOf(drops);
    }

    /** A node without a cluster. */
    public NodeStatus(String node, String role, List<Peer> peers, Map<String, Long> drops, long reconnects) {
        this(node, role, peers, drops, reconnects, null);
    }

    /**
     * A hub's cluster as its copy of the store shows it.
     *
     * @param registered whether the hub holds its lease, and so admits clients
     * @param members hub names to the endpoints the hubs reach each other at
     * @param locations client names to the hubs that hold their sessions
     */
    public record Cluster(String hub, boolean registered, Map<String, String> members, Map<String, String> locations) {
        public Cluster {
            members = Collections.unmodifiableMap(new TreeMap<>(members));
            locations = Collections.unmodifiableMap(new TreeMap<>(locations));
        }
    }

    /**
     * One session: on a hub, a client; on a client, its hub.
     *
     * @param identity the client's authenticated name, or null before (or without) the handshake
     * @param address the tunnel address the session owns, or null
     * @param rxRate bytes per second received over about the last second; {@code txRate} likewise sent
     * @param queued packets waiting in the session's send queue
     * @param rtt the round-trip time of the last keepalive probe, or null before one was answered (and always in a
     *     legacy session, whose peer does not answer probes)
     * @param protection how the session's messages are sealed, or null before the handshake and in legacy mode
     */
    public record Peer(String identity, String address, String remote, Instant since, long rxPackets, long rxBytes,
            long txPackets, long txBytes, double rxRate, double txRate, int queued, Duration rtt,
            Protection protection) {}

    /**
     * @param cipher the AEAD that seals the messages, e.g. {@code AES-256-GCM}
     * @param handshakeAge how long ago the handshake made the session's keys
     * @param rekeys how many times a direction's key was replaced since
     */
    public record Protection(String cipher, Duration handshakeAge, long rekeys) {}
}
