package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The window's edges, and random sequences against a model that remembers every counter. */
class ReplayWindowTest {

    private final ReplayWindow window = new ReplayWindow();

    private boolean take(long counter) {
        if (!window.mayAccept(counter)) {
            return false;
        }
        window.accept(counter);
        return true;
    }

    @Test
    void eachCounterOnceInAnyOrder() {
        assertTrue(take(0));
        assertFalse(take(0), "a repeat");
        assertTrue(take(5));
        assertTrue(take(3), "late, within the window");
        assertTrue(take(1));
        assertFalse(take(3));
        assertFalse(take(5));
        assertTrue(take(4));
    }

    @Test
    void theWindowEndsExactlyItsSizeBehindTheGreatest() {
        long greatest = 100_000;
        assertTrue(take(greatest));
        assertTrue(window.mayAccept(greatest - ReplayWindow.SIZE + 1), "the oldest still in the window");
        assertFalse(window.mayAccept(greatest - ReplayWindow.SIZE), "the first one behind it");
        assertTrue(take(greatest - ReplayWindow.SIZE + 1));
        assertFalse(take(greatest - ReplayWindow.SIZE + 1));
    }

    @Test
    void askingMovesNothingOnlyTakingDoes() {
        assertTrue(take(10));
        assertTrue(window.mayAccept(1L << 40), "a forged counter far ahead would be new");
        assertTrue(take(9), "and asking about it did not slide the window past 9");
    }

    @Test
    void aJumpFarAheadForgetsTheOldWordsButNotTheirRefusal() {
        for (long c = 0; c < 200; c++) {
            assertTrue(take(c));
        }
        long far = 200 + 64 * 1000; // more than the whole ring ahead
        assertTrue(take(far));
        assertFalse(take(150), "behind the window now");
        assertTrue(take(far - 64), "a word the jump cleared is free again within the window");
        assertTrue(take(far - 1));
        assertFalse(take(far));
    }

    @Test
    void aJumpOfOneWordClearsThatWord() {
        assertTrue(take(63));
        assertTrue(take(64 + 128 * 64)); // reuses the ring slot of counters 64..127 one lap later
        assertTrue(take(65 + 127 * 64), "a counter of the cleared slot's new lap");
    }

    @Test
    void randomSequencesAgreeWithAModelThatRemembersEverything() {
        Random random = new Random(6479);
        for (int run = 0; run < 50; run++) {
            ReplayWindow w = new ReplayWindow();
            Set<Long> seen = new HashSet<>();
            long greatest = -1;
            long next = 0;
            for (int i = 0; i < 20_000; i++) {
                long counter = switch (random.nextInt(4)) {
                    case 0 -> next += 1 + random.nextInt(3); // ahead
                    case 1 -> Math.max(0, next - random.nextInt((int) ReplayWindow.SIZE + 200)); // late, maybe too late
                    case 2 -> seen.isEmpty() ? 0 : next - random.nextInt(10); // a likely repeat
                    default -> next += random.nextInt(20_000) == 0 ? 100_000 : 0; // rarely a big jump
                };
                boolean expected = !seen.contains(counter) && (counter > greatest || greatest - counter < ReplayWindow.SIZE);
                boolean mayAccept = w.mayAccept(counter);
                assertEquals(expected, mayAccept, "run " + run + " step " + i + " counter " + counter + " greatest " + greatest);
                if (mayAccept) {
                    w.accept(counter);
                    seen.add(counter);
                    greatest = Math.max(greatest, counter);
                }
            }
        }
    }
}
