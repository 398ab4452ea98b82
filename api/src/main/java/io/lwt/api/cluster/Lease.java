package io.lwt.api.cluster;

import java.io.Closeable;

/** A lease {@link ClusterStore#grant granted} by a cluster store; its keys go when it ends. */
public interface Lease extends Closeable {

    /** Stops renewing the lease and revokes it, so its keys go at once; does not throw (the TTL ends it anyway). */
    @Override
    void close();

    /** Told when a lease ended without being closed; called once, from a thread of the plugin's. */
    interface Listener {
        /** @param reason why, in a phrase, e.g. "etcd unreachable for longer than the lease's 5s" */
        void lost(String reason);
    }
}
