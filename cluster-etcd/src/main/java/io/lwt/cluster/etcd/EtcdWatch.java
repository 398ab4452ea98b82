package io.lwt.cluster.etcd;

import io.lwt.api.cluster.Watch;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A watch on the keys under a prefix, run by a virtual thread of its own ({@code lwt-etcd-watch}), the only one that
 * calls the listener. It ranges the prefix (at revision R) and resets the listener, then follows etcd's watch stream
 * from R + 1, reporting each event and remembering the revision after the last. When the stream breaks, it reports
 * the store unreachable (once, until it is back), waits ({@link Backoff}), and opens a stream on the next member from
 * that revision; if etcd has compacted that history away, it ranges and resets again. A stream that stays silent for
 * {@link #SILENCE} is checked with a read on its member, so that a member that froze or lost the others is left too.
 * {@link #close} (any thread) ends it.
 */
final class EtcdWatch implements Watch {

    private static final System.Logger LOG = System.getLogger(EtcdWatch.class.getName());
    /** How long a stream may stay silent before its member is checked: a quiet prefix is normal, a dead member not. */
    static final Duration SILENCE = Duration.ofSeconds(5);

    private final EtcdClient client;
    private final KeySpace keys;
    private final String prefix;
    private final Listener listener;
    private final Consumer<EtcdWatch> onEnd;
    private final Thread thread;
    private final Backoff backoff = new Backoff();
    private volatile boolean closed;
    private volatile WatchStream stream;
    /** The revision to follow from; 0 until the prefix has been ranged, and again after a compaction. */
    private long next;
    private boolean unreachable;

    /** @param onEnd told once, when the watch is closed */
    EtcdWatch(EtcdClient client, KeySpace keys, String prefix, Listener listener, Consumer<EtcdWatch> onEnd) {
        this.client = client;
        this.keys = keys;
        this.prefix = prefix;
        this.listener = listener;
        this.onEnd = onEnd;
        this.thread = Thread.ofVirtual().name("lwt-etcd-watch " + keys + prefix).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    /** The member whose stream the watch follows now, or null between streams. */
    java.net.URI following() {
        WatchStream open = stream;
        return open == null ? null : open.endpoint();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.interrupt();
        WatchStream open = stream;
        if (open != null) {
            open.close();
        }
        onEnd.accept(this);
    }

    private void run() {
        while (!closed) {
            try {
                if (next == 0) {
                    reset();
                }
                follow();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                lost(e.getMessage());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "watch on {0}{1}: failed, starting over: {2}", keys, prefix, e.toString());
                next = 0;
                lost(e.toString());
            }
        }
    }

    /** Ranges the prefix and hands every key under it to the listener. */
    private void reset() throws IOException {
        JsonObject answer = client.call("/v3/kv/range", range());
        Map<String, String> entries = new LinkedHashMap<>();
        for (JsonObject kv : answer.objects("kvs")) {
            entries.put(keys.relative(kv.bytes("key")), utf8(kv.bytes("value")));
        }
        tell(() -> listener.reset(Collections.unmodifiableMap(entries)));
        next = answer.object("header").number("revision") + 1;
    }

    /** Follows one stream from {@link #next} until it breaks, or until etcd says that revision is compacted. */
    private void follow() throws IOException {
        Map<String, Object> create = new LinkedHashMap<>(range());
        create.put("start_revision", Long.toString(next));
        create.put("progress_notify", true);
        WatchStream open = new WatchStream(client.open("/v3/watch", Map.of("create_request", create)));
        stream = open;
        try (open) {
            if (closed) {
                return; // close() came before the stream was there to close
            }
            while (true) {
                JsonObject result = open.next(SILENCE);
                if (result == null) {
                    client.callAt(open.endpoint(), "/v3/kv/range", probe());
                } else if (!handle(result)) {
                    return;
                }
            }
        } catch (IOException e) {
            if (!closed) {
                client.failed(open.endpoint());
            }
            throw e;
        } finally {
            stream = null;
        }
    }

    /** Handles one message of the stream; false if the stream is done with. */
    private boolean handle(JsonObject result) throws IOException {
        if (result.bool("canceled")) {
            long compacted = result.number("compact_revision");
            if (compacted == 0) {
                throw new IOException("etcd canceled the watch: " + result.string("cancel_reason"));
            }
            LOG.log(Level.INFO, "watch on {0}{1}: etcd compacted revision {2} away (up to {3}), starting over",
                    keys, prefix, Long.toString(next), Long.toString(compacted));
            next = 0;
            return false;
        }
        if (result.bool("created")) {
            backoff.reset();
            unreachable = false;
            return true;
        }
        if (!result.has("events")) {
            // a progress notification: no change under the prefix up to its revision
            next = Math.max(next, result.object("header").number("revision") + 1);
            return true;
        }
        for (JsonObject event : result.objects("events")) {
            JsonObject kv = event.object("kv");
            String key = keys.relative(kv.bytes("key"));
            String value = event.string("type").equals("DELETE") ? null : utf8(kv.bytes("value"));
            tell(() -> listener.changed(key, value));
            next = kv.number("mod_revision") + 1;
        }
        return true;
    }

    /** The stream broke or etcd could not be reached: says so once, then waits before the next attempt. */
    private void lost(String reason) {
        if (!unreachable) {
            unreachable = true;
            LOG.log(Level.WARNING, "watch on {0}{1}: {2}; trying again", keys, prefix, reason);
            tell(() -> listener.unreachable(reason));
        }
        try {
            Thread.sleep(backoff.next());
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Calls the listener; its failure is logged, and the watch goes on. */
    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "watch on {0}{1}: the listener failed: {2}", keys, prefix, e.toString());
        }
    }

    private Map<String, Object> range() {
        return Map.of("key", keys.key(prefix), "range_end", keys.rangeEnd(prefix));
    }

    /** A linearizable read of one key under the prefix: only a member with a leader and a quorum answers it. */
    private Map<String, Object> probe() {
        return Map.of("key", keys.key(prefix), "range_end", keys.rangeEnd(prefix), "limit", 1, "keys_only", true);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
