package io.lwt.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The watch's pauses: 100 ms doubling to 5 s, each in the upper half of its step; back to 100 ms after a reset. */
class BackoffTest {

    private static final long[] STEPS = {100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000};

    @Test
    void doublesUpToTheMaximumWithJitterAndStartsOverAfterAReset() {
        for (int run = 0; run < 200; run++) {
            Backoff backoff = new Backoff();
            for (long step : STEPS) {
                assertWithin(step, backoff.next().toMillis());
            }
            backoff.reset();
            assertWithin(100, backoff.next().toMillis());
        }
    }

    @Test
    void jitterSpreadsThePauses() {
        long smallest = Long.MAX_VALUE;
        long largest = 0;
        for (int run = 0; run < 200; run++) {
            long pause = new Backoff().next().toMillis();
            smallest = Math.min(smallest, pause);
            largest = Math.max(largest, pause);
        }
        assertTrue(largest - smallest >= 25, "pauses from " + smallest + " to " + largest + " ms");
    }

    private static void assertWithin(long step, long pause) {
        assertTrue(pause >= step / 2 && pause <= step, pause + " ms for a step of " + step + " ms");
    }
}
