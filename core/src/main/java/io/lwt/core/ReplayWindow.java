package io.lwt.core;

/**
 * The counters of a datagram session's received messages, as RFC 6479 keeps them: each is taken at most once, and
 * only within {@link #SIZE} of the greatest taken, in any order. A bitmap of 64-bit words used as a ring, so sliding
 * forward clears whole words and nothing is shifted. The caller asks {@link #mayAccept} before opening a message, and
 * {@link #accept}s its counter only once it opened, so that a forged counter moves nothing. One thread (the session's
 * reader) uses it.
 */
final class ReplayWindow {

    private static final int WORDS = 128;
    /** How far behind the greatest counter taken a message may still arrive: 8128, as WireGuard's. */
    static final long SIZE = (WORDS - 1) * (long) Long.SIZE;

    private final long[] bitmap = new long[WORDS];
    /** The greatest counter taken, or -1 before the first. */
    private long greatest = -1;

    /** Whether a message with this counter (0 to 2^63-1) would be new: ahead, or within the window and not taken. */
    boolean mayAccept(long counter) {
        if (counter > greatest) {
            return true;
        }
        if (greatest - counter >= SIZE) {
            return false;
        }
        return (bitmap[word(counter)] & bit(counter)) == 0;
    }

    /** Takes a counter for which {@link #mayAccept} said yes, whose message opened. */
    void accept(long counter) {
        if (counter > greatest) {
            long from = (greatest >> 6) + 1; // the first word not yet in use; 0 before the first counter
            long words = Math.min((counter >>> 6) - from + 1, WORDS);
            for (long i = 0; i < words; i++) {
                bitmap[word((from + i) << 6)] = 0;
            }
            greatest = counter;
        }
        bitmap[word(counter)] |= bit(counter);
    }

    private static int word(long counter) {
        return (int) (counter >>> 6) & (WORDS - 1);
    }

    private static long bit(long counter) {
        return 1L << (counter & 63);
    }
}
