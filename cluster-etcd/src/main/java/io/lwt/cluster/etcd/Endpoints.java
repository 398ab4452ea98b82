package io.lwt.cluster.etcd;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The etcd members a store calls and the order to try them in: the one that answered last first, then the others in
 * their configured order after it. Thread-safe: every thread that calls etcd reads and updates it.
 */
final class Endpoints {

    private final List<URI> all;
    private volatile int preferred;

    Endpoints(List<URI> all) {
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoint");
        }
        this.all = List.copyOf(all);
    }

    /** Every endpoint, the preferred one first. */
    List<URI> inOrder() {
        int first = preferred;
        List<URI> order = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            order.add(all.get((first + i) % all.size()));
        }
        return order;
    }

    /** It answered: try it first from now on. */
    void answered(URI endpoint) {
        preferred = all.indexOf(endpoint);
    }

    /** It failed after having answered (a stream broke): start with the next one, if it was the preferred one. */
    void failed(URI endpoint) {
        int index = all.indexOf(endpoint);
        if (index == preferred) {
            preferred = (index + 1) % all.size();
        }
    }

    @Override
    public String toString() {
        return all.toString();
    }
}
