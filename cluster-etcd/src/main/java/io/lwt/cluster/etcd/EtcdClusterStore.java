package io.lwt.cluster.etcd;

import io.lwt.api.ValueSyntax;
import io.lwt.api.cluster.ClusterStore;
import io.lwt.api.cluster.Lease;
import io.lwt.api.cluster.Watch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster store on etcd: each call one request to the gateway (a transaction where several keys must change
 * together), made on the caller's thread; each lease renewed by a thread of its own ({@link EtcdLease}), each watch
 * run by one ({@link EtcdWatch}). Thread-safe. Closing it stops them all and waits, a bounded time, for their threads.
 */
final class EtcdClusterStore implements ClusterStore {

    private static final System.Logger LOG = System.getLogger(EtcdClusterStore.class.getName());
    /** How long {@link #close} waits for the store's threads, which are told to end at once. */
    private static final Duration CLOSING = Duration.ofSeconds(2);

    private final EtcdClient client;
    private final KeySpace keys;
    private final Set<EtcdLease> leases = ConcurrentHashMap.newKeySet();
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EtcdClusterStore(EtcdClient client, KeySpace keys) {
        this.client = client;
        this.keys = keys;
    }

    @Override
    public Lease grant(Duration ttl, Lease.Listener listener) throws IOException {
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a lease's TTL must be at least 1s, not " + ttl);
        }
        long seconds = (ttl.toMillis() + 999) / 1000;
        long sentAt = System.nanoTime();
        JsonObject answer = client.call("/v3/lease/grant", Map.of("TTL", seconds));
        if (!answer.string("error").isEmpty()) {
            throw new IOException("etcd granted no lease: " + answer.string("error"));
        }
        // etcd raises a TTL below its minimum (1.5 times its election timeout)
        Duration granted = Duration.ofSeconds(answer.number("TTL"));
        EtcdLease lease = new EtcdLease(client, answer.number("ID"), granted, sentAt, listener, leases::remove);
        leases.add(lease);
        lease.start();
        if (closed) {
            lease.stop(); // the store closed while granting: the lease ends with its TTL, as the store's others
        }
        return lease;
    }

    @Override
    public String get(String key) throws IOException {
        List<JsonObject> found = client.call("/v3/kv/range", Map.of("key", keys.key(key))).objects("kvs");
        return found.isEmpty() ? null : new String(found.getFirst().bytes("value"), StandardCharsets.UTF_8);
    }

    @Override
    public boolean create(Map<String, String> entries, Lease lease) throws IOException {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no key to create");
        }
        List<Map<String, Object>> compare = new ArrayList<>();
        List<Map<String, Object>> success = new ArrayList<>();
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            // a key that does not exist has create revision 0
            compare.add(Map.of("key", keys.key(entry.getKey()), "target", "CREATE", "result", "EQUAL",
                    "create_revision", "0"));
            success.add(Map.of("request_put", putRequest(entry.getKey(), entry.getValue(), lease)));
        }
        return client.call("/v3/kv/txn", Map.of("compare", compare, "success", success)).bool("succeeded");
    }

    @Override
    public void put(String key, String value, Lease lease) throws IOException {
        client.call("/v3/kv/put", putRequest(key, value, lease));
    }

    @Override
    public boolean delete(String key, String expected) throws IOException {
        Map<String, Object> compare = Map.of("key", keys.key(key), "target", "VALUE", "result", "EQUAL",
                "value", base64(expected));
        Map<String, Object> delete = Map.of("request_delete_range", Map.of("key", keys.key(key)));
        return client.call("/v3/kv/txn", Map.of("compare", List.of(compare), "success", List.of(delete)))
                .bool("succeeded");
    }

    @Override
    public Watch watch(String prefix, Watch.Listener listener) {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        EtcdWatch watch = new EtcdWatch(client, keys, prefix, listener, watches::remove);
        watches.add(watch);
        watch.start();
        if (closed) {
            watch.close(); // the store closed meanwhile, maybe before it could see this watch
        }
        return watch;
    }

    /** Stops renewing every lease (etcd drops them after their TTL), ends every watch, and waits for their threads. */
    @Override
    public void close() {
        closed = true;
        List<Thread> threads = new ArrayList<>();
        for (EtcdLease lease : List.copyOf(leases)) {
            lease.stop();
            threads.add(lease.renewer());
        }
        for (EtcdWatch watch : List.copyOf(watches)) {
            watch.close();
            threads.add(watch.thread());
        }
        client.close();
        long deadline = System.nanoTime() + CLOSING.toNanos();
        try {
            for (Thread thread : threads) {
                if (thread != Thread.currentThread()
                        && !thread.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    LOG.log(System.Logger.Level.WARNING, "{0} did not end within {1}", thread.getName(), CLOSING);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A put request, for {@code /v3/kv/put} or inside a transaction. */
    private Map<String, Object> putRequest(String key, String value, Lease lease) {
        Map<String, Object> put = new LinkedHashMap<>();
        put.put("key", keys.key(key));
        put.put("value", base64(value));
        if (lease != null) {
            put.put("lease", Long.toString(own(lease).id()));
        }
        return put;
    }

    /** The lease as this plugin made it; one that has ended keeps its ID, which etcd then refuses. */
    private static EtcdLease own(Lease lease) {
        if (lease instanceof EtcdLease own) {
            return own;
        }
        throw new IllegalArgumentException(lease + " is not a lease of an etcd store");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "etcd store " + keys + " on " + client + " (timeout " + ValueSyntax.text(client.timeout()) + ")";
    }
}
