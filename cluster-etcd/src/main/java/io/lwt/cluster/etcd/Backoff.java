package io.lwt.cluster.etcd;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The pauses between a watch's attempts to reach etcd: 100 ms, doubling up to 5 s, each drawn at random from the upper
 * half of its step, so that hubs that lost etcd together do not all come back at the same instant. Used by one watch
 * thread.
 */
final class Backoff {

    static final Duration FIRST = Duration.ofMillis(100);
    static final Duration MAX = Duration.ofSeconds(5);

    private long stepMillis = FIRST.toMillis();

    Duration next() {
        long pause = ThreadLocalRandom.current().nextLong(stepMillis / 2, stepMillis + 1);
        stepMillis = Math.min(stepMillis * 2, MAX.toMillis());
        return Duration.ofMillis(pause);
    }

    /** etcd answered: the next trouble starts from the first step again. */
    void reset() {
        stepMillis = FIRST.toMillis();
    }
}
