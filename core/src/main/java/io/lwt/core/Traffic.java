package io.lwt.core;

/**
 * A session's packet and byte counts and their rates, for status reports. Plain fields, each written by one thread
 * (the reader: rx; whoever holds the link's write lock: tx; the ticker: the rates) and read, possibly a little stale,
 * by reports: the hot path pays nothing for them.
 */
final class Traffic {

    private static final long RATE_INTERVAL = 1_000_000_000L;

    long rxPackets;
    long rxBytes;
    long txPackets;
    long txBytes;
    private long sampled = Long.MIN_VALUE;
    private long rxSampled;
    private long txSampled;
    private volatile double rxRate;
    private volatile double txRate;

    void received(int bytes) {
        rxPackets++;
        rxBytes += bytes;
    }

    void sent(int packets, long bytes) {
        txPackets += packets;
        txBytes += bytes;
    }

    /** Bytes per second in each direction over the last second or so; called by the ticker. */
    void sample(long now) {
        if (sampled == Long.MIN_VALUE) {
            sampled = now;
            return;
        }
        long elapsed = now - sampled;
        if (elapsed >= RATE_INTERVAL) {
            long rx = rxBytes;
            long tx = txBytes;
            rxRate = (rx - rxSampled) * 1e9 / elapsed;
            txRate = (tx - txSampled) * 1e9 / elapsed;
            rxSampled = rx;
            txSampled = tx;
            sampled = now;
        }
    }

    double rxRate() {
        return rxRate;
    }

    double txRate() {
        return txRate;
    }
}
