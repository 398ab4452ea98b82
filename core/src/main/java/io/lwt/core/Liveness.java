package io.lwt.core;

import io.lwt.api.ValueSyntax;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether a session is alive and what it owes its peer: the handshake deadline, dead-peer detection (nothing received
 * for the timeout), keepalives (nothing sent for the keepalive interval), and round-trip probes, one per interval
 * once established, whose echoes give the round-trip time. Time comes from a clock it is given, so it is tested without
 * sleeping (as Netty's IdleStateHandler). The link's reader calls {@link #received}, whoever writes calls
 * {@link #sent}; the node's ticker calls {@link #due}; the reader calls {@link #echoed}. Each field is written by one of
 * them and read by the others, so they are volatile, except the ticker's own {@code lastProbe}.
 */
final class Liveness {

    /** What a tick finds due. */
    enum Due { NOTHING, KEEPALIVE, PROBE, HANDSHAKE_TIMEOUT, TIMEOUT }

    private final LongSupplier clock;
    private final long opened;
    private final Duration handshakeTimeout;
    private volatile SessionSettings settings;
    private volatile long lastReceived;
    private volatile long lastSent;
    private long lastProbe;
    private boolean probed;
    /** The round-trip time of the last echoed probe, or -1 before the first echo. */
    private volatile long rttNanos = -1;

    Liveness(LongSupplier clock, SessionSettings settings, Duration handshakeTimeout) {
        this.clock = clock;
        this.settings = settings;
        this.handshakeTimeout = handshakeTimeout;
        this.opened = clock.getAsLong();
        this.lastReceived = opened;
        this.lastSent = opened;
    }

    long now() {
        return clock.getAsLong();
    }

    /** Keepalive and timeout as the hub's WELCOME set them, replacing the node's own. */
    void use(SessionSettings settings) {
        this.settings = settings;
    }

    void received() {
        lastReceived = clock.getAsLong();
    }

    void sent() {
        lastSent = clock.getAsLong();
    }

    /** Whether something was sent in the last {@code window}. */
    boolean sentWithin(Duration window) {
        return clock.getAsLong() - lastSent < window.toNanos();
    }

    /**
     * What is due now: a close for a handshake past its deadline or a peer silent for the timeout; else, once
     * established, a probe (when {@code probes}, once per keepalive interval, busy or not, the first at the first
     * tick), or a keepalive when nothing was sent for the interval. A probe or keepalive found due counts as sent.
     */
    Due due(boolean established, boolean probes) {
        long now = clock.getAsLong();
        SessionSettings s = settings;
        long keepalive = s.keepalive().toNanos();
        if (!established && now - opened > handshakeTimeout.toNanos()) {
            return Due.HANDSHAKE_TIMEOUT;
        }
        if (now - lastReceived > s.timeout().toNanos()) {
            return Due.TIMEOUT;
        }
        if (!established) {
            return Due.NOTHING; // until the handshake ends only its messages go, so a stranger hears nothing else
        }
        if (probes && (!probed || now - lastProbe >= keepalive)) {
            probed = true;
            lastProbe = now;
            lastSent = now;
            return Due.PROBE;
        }
        if (now - lastSent >= keepalive) {
            lastSent = now;
            return Due.KEEPALIVE;
        }
        return Due.NOTHING;
    }

    /** Why a session for which {@code due} is a timeout closes. */
    String closeReason(Due due) {
        return due == Due.HANDSHAKE_TIMEOUT ? "handshake timeout: not finished within " + ValueSyntax.text(handshakeTimeout)
                : "timeout: nothing received for " + ValueSyntax.text(settings.timeout());
    }

    /** A probe's body: the sender's clock, which its echo brings back. */
    long probe() {
        return clock.getAsLong();
    }

    /** An echo of the probe sent at {@code probe}; a peer can echo anything, so only plausible values count. */
    void echoed(long probe) {
        long rtt = clock.getAsLong() - probe;
        if (rtt >= 0) {
            rttNanos = rtt;
        }
    }

    /** The last round-trip time measured, or null before the first echo. */
    Duration rtt() {
        long rtt = rttNanos;
        return rtt < 0 ? null : Duration.ofNanos(rtt);
    }
}
