package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lwt.core.Liveness.Due;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Keepalives, probes and timeouts on a clock the test moves: no sleeping. */
class LivenessTest {

    private static final SessionSettings SETTINGS = new SessionSettings(Duration.ofSeconds(10), Duration.ofSeconds(30), 16);

    private long now = 1_000_000_000L;
    private final Liveness liveness = new Liveness(() -> now, SETTINGS, Duration.ofSeconds(5));

    private void advance(Duration d) {
        now += d.toNanos();
    }

    @Test
    void nothingButTheHandshakeGoesBeforeItEnds() {
        Liveness slow = new Liveness(() -> now, SETTINGS, Duration.ofSeconds(25));
        advance(Duration.ofSeconds(20));
        assertEquals(Due.NOTHING, slow.due(false, true), "no keepalive nor probe, though 20 s passed");
        assertEquals(Due.PROBE, slow.due(true, true), "once established, at once");
    }

    @Test
    void aHandshakeNotFinishedInTimeIsDueToClose() {
        advance(Duration.ofSeconds(5));
        assertEquals(Due.NOTHING, liveness.due(false, false), "at the deadline, not past it");
        advance(Duration.ofMillis(1));
        assertEquals(Due.HANDSHAKE_TIMEOUT, liveness.due(false, false));
        assertEquals("handshake timeout: not finished within 5s", liveness.closeReason(Due.HANDSHAKE_TIMEOUT));
        assertEquals(Due.NOTHING, liveness.due(true, false), "an established session has no handshake deadline");
    }

    @Test
    void aSilentPeerTimesOutAndAnythingReceivedKeepsItAlive() {
        advance(Duration.ofSeconds(25));
        liveness.received();
        advance(Duration.ofSeconds(25));
        assertEquals(Due.KEEPALIVE, liveness.due(true, false), "50 s since start, 25 s since the last message");
        advance(Duration.ofSeconds(5).plusMillis(1));
        assertEquals(Due.TIMEOUT, liveness.due(true, false));
        assertEquals("timeout: nothing received for 30s", liveness.closeReason(Due.TIMEOUT));
    }

    @Test
    void aKeepaliveIsDueOnlyAfterAnIntervalWithNothingSent() {
        advance(Duration.ofSeconds(9));
        liveness.sent();
        liveness.received();
        advance(Duration.ofSeconds(9));
        assertEquals(Due.NOTHING, liveness.due(true, false), "something was sent 9 s ago");
        advance(Duration.ofSeconds(1));
        assertEquals(Due.KEEPALIVE, liveness.due(true, false));
        assertEquals(Due.NOTHING, liveness.due(true, false), "the keepalive just found due counts as sent");
    }

    @Test
    void probesGoOncePerIntervalBusyOrNotAndTheirEchoesGiveTheRoundTripTime() {
        assertEquals(Due.PROBE, liveness.due(true, true), "the first probe at the first tick");
        long probe = liveness.probe();
        liveness.sent();
        advance(Duration.ofMillis(3));
        assertNull(liveness.rtt(), "no echo yet");
        liveness.echoed(probe);
        assertEquals(Duration.ofMillis(3), liveness.rtt());
        advance(Duration.ofSeconds(9));
        liveness.sent(); // busy
        liveness.received();
        assertEquals(Due.NOTHING, liveness.due(true, true));
        advance(Duration.ofSeconds(1));
        assertEquals(Due.PROBE, liveness.due(true, true), "one interval after the last probe, though busy");
        liveness.echoed(now + 1);
        assertEquals(Duration.ofMillis(3), liveness.rtt(), "an echo from the future is no measurement");
    }

    @Test
    void theHubsTimersReplaceTheNodesOwn() {
        liveness.use(new SessionSettings(Duration.ofSeconds(1), Duration.ofSeconds(3), 16));
        advance(Duration.ofSeconds(1));
        assertEquals(Due.KEEPALIVE, liveness.due(true, false));
        advance(Duration.ofSeconds(2).plusMillis(1));
        assertEquals(Due.TIMEOUT, liveness.due(true, false));
        assertEquals("timeout: nothing received for 3s", liveness.closeReason(Due.TIMEOUT));
    }
}
