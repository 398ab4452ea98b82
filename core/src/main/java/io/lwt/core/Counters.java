package io.lwt.core;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A node's drop counters by reason, and a rate limit for per-packet log lines: at most one line per reason per
 * second, saying how many were suppressed.
 */
public final class Counters {

    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final System.Logger log;
    private final Map<String, LongAdder> drops = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastLogged = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> suppressed = new ConcurrentHashMap<>();

    Counters(System.Logger log) {
        this.log = log;
    }

    void drop(String reason) {
        drops.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Counts a drop and logs it, rate-limited per reason. */
    void drop(String reason, String detail) {
        drop(reason);
        AtomicLong last = lastLogged.computeIfAbsent(reason, r -> new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS));
        long now = System.nanoTime();
        long previous = last.get();
        LongAdder quiet = suppressed.computeIfAbsent(reason, r -> new LongAdder());
        if (now - previous >= LOG_INTERVAL_NANOS && last.compareAndSet(previous, now)) {
            long skipped = quiet.sumThenReset();
            log.log(Level.WARNING, "dropped packet ({0}): {1}{2}", reason, detail,
                    skipped == 0 ? "" : " (" + skipped + " more not logged)");
        } else {
            quiet.increment();
        }
    }

    /** Drops so far, by reason, sorted by reason. */
    public Map<String, Long> drops() {
        Map<String, Long> snapshot = new TreeMap<>();
        drops.forEach((reason, count) -> snapshot.put(reason, count.sum()));
        return snapshot;
    }
}
