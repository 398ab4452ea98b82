package io.lwt.api.routing;

import java.util.Objects;

/** Where a packet goes: the hub's TUN device, one peer, or nowhere, with a reason. */
public sealed interface Route permits Route.ToTun, Route.ToPeer, Route.Drop {

    /** To the hub's own TUN device. */
    ToTun TO_TUN = new ToTun();

    /** Dropped: the destination belongs to no peer and the packet came from the TUN. */
    Drop NO_ROUTE = new Drop("no-route");
    /** Dropped: not an IP packet this policy understands. */
    Drop MALFORMED = new Drop("malformed");
    /** Dropped: client-to-client traffic on an isolated hub. */
    Drop ISOLATED = new Drop("isolated");
    /** Dropped: a peer sent a packet addressed to itself. */
    Drop LOOP = new Drop("loop");

    record ToTun() implements Route {}

    /** To one peer; each peer holds one instance ({@link Peer#route()}), so routing allocates nothing. */
    record ToPeer(Peer peer) implements Route {
        public ToPeer {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** @param reason a short stable label, used in counters and logs, e.g. {@code no-route} */
    record Drop(String reason) implements Route {
        public Drop {
            if (!reason.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException("drop reason must be a lower-case label: " + reason);
            }
        }
    }
}
