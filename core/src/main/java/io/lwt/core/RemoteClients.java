package io.lwt.core;

import io.lwt.api.IpPrefix;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import io.lwt.api.routing.Route;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients that the other hubs of a cluster hold, by their addresses and the subnets behind them: each is owned by
 * a {@link RemoteHub}, the peer routing policies see for a client of another hub, which the hub's switch resolves to
 * its link to that hub. Rebuilt whole from the cluster's copy whenever a client comes, goes or moves (rarely, from the
 * store's watch thread) and published at once; sessions' readers look up without locks or allocation.
 */
final class RemoteClients {

    /** Another hub of the cluster, as the owner of its clients' addresses. */
    static final class RemoteHub implements Peer {
        private final String hub;
        private final Route.ToPeer route = new Route.ToPeer(this);

        RemoteHub(String hub) {
            this.hub = hub;
        }

        String hub() {
            return hub;
        }

        @Override
        public String name() {
            return "hub:" + hub;
        }

        @Override
        public Route.ToPeer route() {
            return route;
        }
    }

    /** A client's addresses and subnets, wherever they come from (its entry, or the cluster's pool). */
    record Addresses(InetAddress ipv4, InetAddress ipv6, java.util.List<IpPrefix> subnets) {}

    private final Map<String, RemoteHub> hubs = new ConcurrentHashMap<>();
    private volatile AddressTable<RemoteHub> table = new AddressTable<>();

    /** The one peer that stands for {@code hub}. */
    RemoteHub hub(String hub) {
        return hubs.computeIfAbsent(hub, RemoteHub::new);
    }

    /**
     * Takes where each client is now: every client at another hub than {@code self} is reached through that hub.
     *
     * @param locations client names to the hubs that hold them
     * @param addresses a client's addresses by name; null for a client this hub does not know
     */
    void update(Map<String, String> locations, String self, java.util.function.Function<String, Addresses> addresses) {
        AddressTable<RemoteHub> next = new AddressTable<>();
        locations.forEach((client, hub) -> {
            Addresses a = hub.equals(self) ? null : addresses.apply(client);
            if (a == null) {
                return;
            }
            RemoteHub owner = hub(hub);
            if (a.ipv4() != null) {
                next.claim(a.ipv4(), owner);
            }
            if (a.ipv6() != null) {
                next.claim(a.ipv6(), owner);
            }
            a.subnets().forEach(subnet -> next.claimSubnet(subnet, owner));
        });
        table = next;
    }

    /** The hub of the client that owns the packet's destination, or null. */
    RemoteHub destinationOwner(ByteBuffer packet) {
        return table.destinationOwner(packet);
    }

    /** Whether the packet's source belongs to a client of {@code hub}. */
    boolean isFrom(String hub, ByteBuffer packet) {
        RemoteHub owner = table.sourceOwner(packet);
        return owner != null && owner.hub().equals(hub);
    }

    /**
     * What a routing policy sees for a packet of one of this hub's clients: the hub's own sessions first, then the
     * clients of other hubs.
     */
    PeerDirectory withLocal(PeerDirectory local) {
        return packet -> {
            Peer owner = local.destinationOwner(packet);
            return owner != null ? owner : table.destinationOwner(packet);
        };
    }
}
