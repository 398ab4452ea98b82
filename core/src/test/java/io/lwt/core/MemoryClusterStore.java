package io.lwt.core;

import io.lwt.api.cluster.ClusterStore;
import io.lwt.api.cluster.Lease;
import io.lwt.api.cluster.Watch;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory cluster store for the engine's cluster tests: one {@link MemoryClusterStore} is the shared store, and
 * each hub gets a {@link #client} of its own, as each hub has its own connection to etcd. Leases end only when a test
 * says so ({@link #loseLeases}); {@link #unreachable} makes every call of every client fail, as a store out of reach.
 * Watches deliver on a thread of their own, in order.
 */
final class MemoryClusterStore {

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<Long, Lease.Listener> leases = new HashMap<>();
    private final List<MemoryWatch> watches = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean unreachable;
    private volatile long writes;

    private record Entry(String value, long lease) {}

    /** A hub's connection to the store. */
    ClusterStore client() {
        return new Client();
    }

    /** Every call fails while {@code down} is true. */
    void unreachable(boolean down) {
        unreachable = down;
    }

    /** Ends every lease as a store does whose holders were out of reach for longer than their TTLs. */
    void loseLeases() {
        List<Lease.Listener> lost;
        synchronized (this) {
            lost = List.copyOf(leases.values());
            for (long id : List.copyOf(leases.keySet())) {
                revoke(id);
            }
        }
        lost.forEach(l -> l.lost("the store forgot the lease"));
    }

    synchronized Map<String, String> snapshot() {
        Map<String, String> all = new HashMap<>();
        entries.forEach((k, e) -> all.put(k, e.value()));
        return all;
    }

    /** Writes that took effect, for tests that count them. */
    long writes() {
        return writes;
    }

    private void check() throws IOException {
        if (unreachable) {
            throw new IOException("store unreachable (test)");
        }
    }

    private synchronized void revoke(long id) {
        leases.remove(id);
        for (String key : List.copyOf(entries.keySet())) {
            if (entries.get(key).lease() == id) {
                entries.remove(key);
                notifyWatches(key, null);
            }
        }
    }

    private void set(String key, String value, Lease lease) {
        entries.put(key, new Entry(value, lease == null ? 0 : ((MemoryLease) lease).id));
        writes++;
        notifyWatches(key, value);
    }

    private void notifyWatches(String key, String value) {
        for (MemoryWatch w : watches) {
            if (key.startsWith(w.prefix)) {
                w.deliver(() -> w.listener.changed(key, value));
            }
        }
    }

    private final class Client implements ClusterStore {
        private final List<AutoCloseable> open = new ArrayList<>();

        @Override
        public Lease grant(Duration ttl, Lease.Listener listener) throws IOException {
            check();
            synchronized (MemoryClusterStore.this) {
                MemoryLease lease = new MemoryLease(ids.incrementAndGet());
                leases.put(lease.id, listener);
                return lease;
            }
        }

        @Override
        public String get(String key) throws IOException {
            check();
            synchronized (MemoryClusterStore.this) {
                Entry e = entries.get(key);
                return e == null ? null : e.value();
            }
        }

        @Override
        public boolean create(Map<String, String> created, Lease lease) throws IOException {
            check();
            synchronized (MemoryClusterStore.this) {
                if (created.keySet().stream().anyMatch(entries::containsKey)) {
                    return false;
                }
                created.forEach((k, v) -> set(k, v, lease));
                return true;
            }
        }

        @Override
        public void put(String key, String value, Lease lease) throws IOException {
            check();
            synchronized (MemoryClusterStore.this) {
                set(key, value, lease);
            }
        }

        @Override
        public boolean delete(String key, String expected) throws IOException {
            check();
            synchronized (MemoryClusterStore.this) {
                Entry e = entries.get(key);
                if (e == null || !e.value().equals(expected)) {
                    return false;
                }
                entries.remove(key);
                writes++;
                notifyWatches(key, null);
                return true;
            }
        }

        @Override
        public Watch watch(String prefix, Watch.Listener listener) {
            MemoryWatch w = new MemoryWatch(prefix, listener);
            synchronized (MemoryClusterStore.this) {
                Map<String, String> now = new HashMap<>();
                entries.forEach((k, e) -> {
                    if (k.startsWith(prefix)) {
                        now.put(k, e.value());
                    }
                });
                w.deliver(() -> listener.reset(now));
                watches.add(w);
                open.add(w);
            }
            return w;
        }

        @Override
        public void close() {
            synchronized (MemoryClusterStore.this) {
                for (AutoCloseable c : open) {
                    if (c instanceof MemoryWatch w) {
                        w.close();
                    }
                }
            }
        }
    }

    private final class MemoryLease implements Lease {
        private final long id;

        MemoryLease(long id) {
            this.id = id;
        }

        @Override
        public void close() {
            revoke(id);
        }
    }

    private final class MemoryWatch implements Watch {
        private final String prefix;
        private final Watch.Listener listener;
        private final ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());

        MemoryWatch(String prefix, Watch.Listener listener) {
            this.prefix = prefix;
            this.listener = listener;
        }

        void deliver(Runnable event) {
            if (!thread.isShutdown()) {
                thread.execute(event);
            }
        }

        @Override
        public void close() {
            synchronized (MemoryClusterStore.this) {
                watches.remove(this);
            }
            thread.shutdown();
        }
    }
}
