package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogLimiterTest {

    private final LogLimiter limiter = new LogLimiter();

    @Test
    void aLineASecondPerKeyWithTheCountOfThoseNotLogged() {
        long t = 5_000_000_000L;
        assertEquals(0, limiter.admit("10.0.0.9", t), "the first line");
        assertEquals(-1, limiter.admit("10.0.0.9", t + 1));
        assertEquals(-1, limiter.admit("10.0.0.9", t + 999_999_999));
        assertEquals(0, limiter.admit("10.0.0.8", t + 2), "another source has lines of its own");
        assertEquals(2, limiter.admit("10.0.0.9", t + 1_000_000_000), "a second on, with the two not logged");
        assertEquals(" (2 more from 10.0.0.9 not logged)", LogLimiter.suffix(2, "10.0.0.9"));
        assertEquals("", LogLimiter.suffix(0, "10.0.0.9"));
    }

    @Test
    void theTableHoldsTheMostRecentKeysOnly() {
        for (int i = 0; i < 5000; i++) {
            limiter.admit("key " + i, 1);
        }
        assertEquals(0, limiter.admit("key 0", 2), "long forgotten: its next line is a first one");
        assertEquals(-1, limiter.admit("key 4999", 2), "recent: still within its second");
    }
}
