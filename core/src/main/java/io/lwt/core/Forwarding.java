package io.lwt.core;

import io.lwt.api.IpPackets;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import io.lwt.api.routing.Route;
import io.lwt.api.routing.RoutingPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * The hub's switch: a packet from the hub's TUN device or from a client passes the link-scope filter and, from a
 * client, the protocol's source check ({@link HubProtocol#admits}); the routing policy then sends it to the TUN
 * device, to a session or nowhere. A policy's {@link Route.ToPeer} is resolved by looking the peer up among the live
 * sessions, never by a cast: a peer the engine does not know (the policy's own, or a session that has ended) is
 * dropped and counted, and so is every packet whose policy throws, so that a plugin's bug costs packets, not the
 * thread that forwards them. The TUN reader calls {@link #fromTun}; every session's reader calls {@link #fromPeer}.
 */
final class Forwarding {

    private final Function<Peer, Session> sessions;
    private final AddressTable<Session> addresses;
    /** The clients of the other hubs of the hub's cluster, and the links to those hubs; null without a cluster. */
    private final RemoteClients remote;
    private final HubLinks links;
    /** What routing policies see for a packet of this hub's own clients: theirs, then other hubs' clients. */
    private final PeerDirectory clientsEverywhere;
    private final HubProtocol protocol;
    private final boolean tunOffloads;
    private final Counters counters;
    /** Replaced as a whole by a reload; read once per packet. */
    private volatile RoutingPolicy routing;

    /**
     * @param sessions the live session that is this peer, or null
     * @param remote the clients of the cluster's other hubs, or null for a hub of its own; {@code links} then too
     */
    Forwarding(Function<Peer, Session> sessions, AddressTable<Session> addresses, RemoteClients remote, HubLinks links,
            HubProtocol protocol, boolean tunOffloads, RoutingPolicy routing, Counters counters) {
        this.sessions = sessions;
        this.addresses = addresses;
        this.remote = remote;
        this.links = links;
        this.clientsEverywhere = remote == null ? addresses : remote.withLocal(addresses);
        this.protocol = protocol;
        this.tunOffloads = tunOffloads;
        this.routing = routing;
        this.counters = counters;
    }

    void routing(RoutingPolicy next) {
        routing = next;
    }

    /** A packet the TUN device produced, in a pooled buffer; returns true when a session took the buffer. */
    boolean fromTun(ByteBuffer packet) {
        String linkScope = LinkScope.dropReason(packet);
        if (linkScope != null) {
            counters.drop(linkScope);
            return false;
        }
        Route route;
        try {
            route = routing.fromTun(packet, addresses);
        } catch (RuntimeException e) {
            routingFailed(e);
            return false;
        }
        switch (route) {
            case Route.ToPeer(var peer) -> {
                Session to = resolve(peer);
                if (to != null) {
                    to.send(packet, tunOffloads);
                    return true;
                }
            }
            case Route.Drop(var reason) -> counters.drop(reason);
            case Route.ToTun _ -> counters.drop("loop");
        }
        return false;
    }

    /**
     * A packet from an established session, valid only during the call (with its virtio-net header when
     * {@code withHeader}). One of the hub's clients may reach the clients of the cluster's other hubs, through their
     * links; a packet that came over a link must come from a client of that link's hub, and goes to this hub's own
     * clients only: it crosses one link at most.
     */
    void fromPeer(Session from, ByteBuffer packet, boolean withHeader) throws IOException {
        String linkScope = LinkScope.dropReason(packet);
        if (linkScope != null) {
            counters.drop(linkScope); // a client that does not drop them itself (an older one)
            return;
        }
        String linkFrom = from.linkTo();
        PeerDirectory directory;
        if (linkFrom == null) {
            if (!protocol.admits(from, packet)) {
                return;
            }
            directory = clientsEverywhere;
        } else {
            if (!remote.isFrom(linkFrom, packet)) {
                counters.drop("spoofed-source", from.name() + " sent a packet from " + IpPackets.sourceText(packet)
                        + ", which is no client of hub " + linkFrom);
                return;
            }
            directory = addresses;
        }
        Route route;
        try {
            route = routing.fromPeer(from, packet, directory);
        } catch (RuntimeException e) {
            routingFailed(e);
            return;
        }
        switch (route) {
            case Route.ToTun _ -> from.deliverToTun(packet, withHeader);
            case Route.ToPeer(var peer) -> {
                Session to = resolve(peer);
                if (to != null) {
                    to.sendCopy(packet, withHeader);
                }
            }
            case Route.Drop(var reason) -> counters.drop(reason);
        }
    }

    private Session resolve(Peer peer) {
        if (peer instanceof RemoteClients.RemoteHub hub) {
            Session link = links.to(hub.hub());
            if (link == null) {
                counters.drop("no-link", "no link to hub " + hub.hub() + " now");
            }
            return link;
        }
        Session session = sessions.apply(peer);
        if (session == null) {
            // the class, not the peer's own methods: a foreign peer's code is not run on the hot path
            counters.drop("unknown-peer", "the routing policy chose a peer that is no live session: "
                    + peer.getClass().getName());
        }
        return session;
    }

    private void routingFailed(RuntimeException e) {
        counters.drop("routing-error", "the routing policy failed: " + Nodes.describe(e));
    }
}
