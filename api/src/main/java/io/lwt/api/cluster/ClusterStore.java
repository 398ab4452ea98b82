package io.lwt.api.cluster;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The consistent store that the hubs of one network share (etcd; Consul or ZooKeeper as third-party plugins): text
 * values under text keys, all below the network's prefix, which the plugin keeps out of the keys it is given and
 * gives back; leases, which end when their holder stops renewing them and take their keys with them; the creation of
 * several keys at once, all or none; and watches. A hub keeps a copy of what it needs, fed by a watch, so that it
 * calls the store only when something changes (a hub joins, a client joins or leaves), never for a packet.
 *
 * <p>Thread-safe. Calls block until the store answers, and throw {@link IOException} naming the cause when it does
 * not within the plugin's timeout, having tried each of its endpoints; a call that failed may or may not have taken
 * effect, so callers make their writes safe to repeat.
 */
public interface ClusterStore extends Closeable {

    /**
     * Grants a lease of {@code ttl} and renews it (at a third of its TTL) until it is {@link Lease#close closed}. When
     * the store can no longer renew it, because it was unreachable for longer than the TTL or the store forgot the
     * lease, it calls {@code listener} once: the lease's keys are gone, and its holder grants a new one.
     *
     * @param ttl at least one second
     */
    Lease grant(Duration ttl, Lease.Listener listener) throws IOException;

    /** The value of {@code key} now, or null when it does not exist: a read the whole cluster agrees on. */
    String get(String key) throws IOException;

    /**
     * Creates every key of {@code entries}, if none of them exists, in one transaction.
     *
     * @param lease the lease the keys go with, or null for keys that stay until deleted
     * @return whether it created them; false, having written nothing, when any one of them existed
     */
    boolean create(Map<String, String> entries, Lease lease) throws IOException;

    /**
     * Sets {@code key} to {@code value}, whether it existed or not.
     *
     * @param lease the lease the key goes with, or null for a key that stays until deleted
     */
    void put(String key, String value, Lease lease) throws IOException;

    /**
     * Deletes {@code key} if its value is {@code expected}, in one transaction.
     *
     * @return whether it deleted it
     */
    boolean delete(String key, String expected) throws IOException;

    /**
     * Watches every key that starts with {@code prefix}, from a background thread of the plugin's, until the watch is
     * closed: {@link Watch.Listener#reset} with every such key first, then {@link Watch.Listener#changed} for each
     * change in the store's order. When it loses the store it says so ({@link Watch.Listener#unreachable}), tries
     * again with backoff, and goes on from the last change it reported, or, if the store no longer has that history,
     * with a {@link Watch.Listener#reset} again: no change is ever missed.
     */
    Watch watch(String prefix, Watch.Listener listener);

    /** Stops renewing leases (without revoking them) and ends every watch. */
    @Override
    void close();
}
