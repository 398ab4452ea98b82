package io.lwt.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At most one log line per key (a source address, say) per second, so that a flood of failed connections costs a
 * few lines, each saying how many like it were not logged. Holds the most recent keys only: an attacker who varies
 * the key gets one line per key, and the table stays bounded. Any thread may ask.
 */
final class LogLimiter {

    private static final long INTERVAL_NANOS = 1_000_000_000L;
    private static final int MOST_KEYS = 1024;

    /** Per key: when it was last logged, and the lines since not logged. */
    private static final class Seen {
        long logged;
        long suppressed;
    }

    private final Map<String, Seen> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > MOST_KEYS;
        }
    };

    /**
     * Whether a line for {@code key} may be logged now: -1 when not (it is counted), else how many lines for the key
     * were suppressed since the last one.
     */
    synchronized long admit(String key, long nowNanos) {
        Seen e = entries.get(key);
        if (e == null) {
            e = new Seen();
            e.logged = nowNanos;
            entries.put(key, e);
            return 0;
        }
        if (nowNanos - e.logged < INTERVAL_NANOS) {
            e.suppressed++;
            return -1;
        }
        long suppressed = e.suppressed;
        e.logged = nowNanos;
        e.suppressed = 0;
        return suppressed;
    }

    /** The suffix a logged line carries when others were suppressed. */
    static String suffix(long suppressed, String key) {
        return suppressed == 0 ? "" : " (" + suppressed + " more from " + key + " not logged)";
    }
}
