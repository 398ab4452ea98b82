package io.lwt.core;

import java.util.SplittableRandom;

/**
 * When a link's next frame of cover traffic is due, for a codec that asks for them ({@code Codec.chaffRate()}):
 * random intervals, exponentially distributed (a Poisson process). Used by the link's writer thread only.
 */
final class CoverTraffic {

    private final double meanNanos;
    private final SplittableRandom random = new SplittableRandom();
    private long due;

    private CoverTraffic(int perSecond) {
        this.meanNanos = 1e9 / perSecond;
        this.due = System.nanoTime() + next();
    }

    /** Cover traffic at {@code perSecond} frames a second, or null for none. */
    static CoverTraffic of(int perSecond) {
        return perSecond > 0 ? new CoverTraffic(perSecond) : null;
    }

    /** Nanoseconds until the next frame is due; zero or less when it is. */
    long nanosUntilDue() {
        return due - System.nanoTime();
    }

    /** Whether a frame is due now; if so, schedules the next one. */
    boolean isDue() {
        long now = System.nanoTime();
        if (now - due < 0) {
            return false;
        }
        due = Math.max(due, now - (long) meanNanos) + next(); // a stalled writer does not catch up in a burst
        return true;
    }

    private long next() {
        return (long) (-Math.log(1 - random.nextDouble()) * meanNanos);
    }
}
