package io.lwt.cluster.etcd;

import io.lwt.api.ValueSyntax;
import io.lwt.api.cluster.Lease;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A lease that etcd granted, and its renewer: a virtual thread ({@code lwt-etcd-lease}) that sends a keepalive at a
 * third of the TTL, and sooner again after a failure. It gives up, telling the listener once from that thread, when
 * etcd answers that it no longer has the lease, or when no keepalive has succeeded for longer than the TTL: etcd has
 * dropped the lease then, or will as soon as it can. {@link #close} (the holder, any thread) and {@link #stop} (the
 * store closing) end it first, so the listener is never told after either.
 */
final class EtcdLease implements Lease {

    private static final System.Logger LOG = System.getLogger(EtcdLease.class.getName());
    private static final Duration RETRY = Duration.ofMillis(500);

    private final EtcdClient client;
    private final long id;
    private final Duration ttl;
    private final Listener listener;
    private final Consumer<EtcdLease> onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Thread renewer;

    /**
     * @param renewedAt when the grant was sent ({@link System#nanoTime}), from which etcd counts the TTL at the latest
     * @param onEnd     told once, from the thread that ends the lease
     */
    EtcdLease(EtcdClient client, long id, Duration ttl, long renewedAt, Listener listener,
            Consumer<EtcdLease> onEnd) {
        this.client = client;
        this.id = id;
        this.ttl = ttl;
        this.listener = listener;
        this.onEnd = onEnd;
        this.renewer = Thread.ofVirtual().name("lwt-etcd-lease " + id).unstarted(() -> renewFrom(renewedAt));
    }

    void start() {
        renewer.start();
    }

    long id() {
        return id;
    }

    Thread renewer() {
        return renewer;
    }

    /** Stops renewing and revokes the lease, so its keys go now; if etcd cannot be told, its TTL ends it. */
    @Override
    public void close() {
        if (!end()) {
            return;
        }
        try {
            client.call("/v3/lease/revoke", Map.of("ID", Long.toString(id)));
        } catch (IOException e) {
            LOG.log(Level.INFO, "lease {0}: not revoked, it ends with its TTL: {1}", Long.toString(id), e.getMessage());
        }
    }

    /** Stops renewing without revoking: the store closes, and the lease ends with its TTL. */
    void stop() {
        end();
    }

    /** Ends the lease unless it has ended already; whoever ends it first is the only one that goes on. */
    private boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        renewer.interrupt();
        onEnd.accept(this);
        return true;
    }

    private void renewFrom(long grantedAt) {
        long renewedAt = grantedAt;
        long pauseNanos = ttl.toNanos() / 3;
        try {
            while (!ended.get()) {
                TimeUnit.NANOSECONDS.sleep(pauseNanos);
                long sentAt = System.nanoTime();
                try {
                    if (EtcdClient.result(client.call("/v3/lease/keepalive", Map.of("ID", Long.toString(id))))
                            .number("TTL") <= 0) {
                        lost("etcd no longer has the lease (it expired there)");
                        return;
                    }
                    renewedAt = sentAt;
                    pauseNanos = ttl.toNanos() / 3;
                } catch (IOException e) {
                    if (ended.get()) {
                        return;
                    }
                    if (System.nanoTime() - renewedAt > ttl.toNanos()) {
                        lost("etcd unreachable for longer than the lease's " + ValueSyntax.text(ttl) + ": "
                                + e.getMessage());
                        return;
                    }
                    LOG.log(Level.DEBUG, "lease {0}: keepalive failed, retrying: {1}", Long.toString(id),
                            e.getMessage());
                    pauseNanos = Math.min(RETRY.toNanos(), ttl.toNanos() / 3);
                }
            }
        } catch (InterruptedException e) {
            // ended by close or stop
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "lease {0}: renewing failed: {1}", Long.toString(id), e.toString());
            lost("renewing failed: " + e);
        }
    }

    private void lost(String reason) {
        if (!end()) {
            return;
        }
        Thread.interrupted(); // end() interrupted this very thread, which has nothing left to wait for
        LOG.log(Level.WARNING, "lease {0} lost: {1}", Long.toString(id), reason);
        try {
            listener.lost(reason);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "lease {0}: the listener failed on its loss: {1}", Long.toString(id), e.toString());
        }
    }

    @Override
    public String toString() {
        return "etcd lease " + id + " (TTL " + ValueSyntax.text(ttl) + ")";
    }
}
