package io.lwt.cluster.etcd;

import io.lwt.api.cluster.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A watch listener that keeps what it is told, in order, as text: {@code reset {a=1}}, {@code a=2},
 * {@code a deleted}, {@code unreachable}. The watch's thread writes; the test's thread reads. A test can hold the
 * watch's thread inside {@link #unreachable} (so that it cannot reconnect) until it {@link #release}s it.
 */
final class WatchRecorder implements Watch.Listener {

    private final List<String> told = new ArrayList<>();
    private final CountDownLatch released;

    WatchRecorder() {
        this(false);
    }

    WatchRecorder(boolean holdWhenUnreachable) {
        released = new CountDownLatch(holdWhenUnreachable ? 1 : 0);
    }

    @Override
    public synchronized void reset(Map<String, String> entries) {
        told.add("reset " + new TreeMap<>(entries));
    }

    @Override
    public synchronized void changed(String key, String value) {
        told.add(value == null ? key + " deleted" : key + "=" + value);
    }

    @Override
    public void unreachable(String reason) {
        synchronized (this) {
            told.add("unreachable");
        }
        try {
            released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the watch is being closed
        }
    }

    void release() {
        released.countDown();
    }

    synchronized List<String> told() {
        return List.copyOf(told);
    }

    /** What the watch told, but when it was unreachable: for comparing with what was written. */
    List<String> withoutUnreachable() {
        return told().stream().filter(entry -> !entry.equals("unreachable")).toList();
    }

    void await(String entry, Duration timeout) throws InterruptedException {
        Stores.await(timeout, "the watch to report " + entry + ", it reported " + told(), () -> told().contains(entry));
    }

    /** How many times the watch told {@code entry}. */
    long count(String entry) {
        return told().stream().filter(entry::equals).count();
    }
}
