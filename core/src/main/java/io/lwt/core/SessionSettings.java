package io.lwt.core;

import java.time.Duration;

/**
 * Per-session behaviour shared by hubs and clients.
 *
 * @param keepalive how often a keepalive is sent on an otherwise idle session
 * @param timeout a session that has received nothing for this long is closed (dead-peer detection)
 * @param sendQueue packets queued per session before new ones are dropped, so a slow peer never stalls others
 */
public record SessionSettings(Duration keepalive, Duration timeout, int sendQueue) {

    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_SEND_QUEUE = 1024;

    public static final SessionSettings DEFAULTS =
            new SessionSettings(DEFAULT_KEEPALIVE, DEFAULT_TIMEOUT, DEFAULT_SEND_QUEUE);

    public SessionSettings {
        if (keepalive.isNegative() || keepalive.isZero()) {
            throw new IllegalArgumentException("keepalive must be positive");
        }
        if (timeout.compareTo(keepalive) <= 0) {
            throw new IllegalArgumentException(
                    "timeout " + Nodes.text(timeout) + " must be longer than keepalive " + Nodes.text(keepalive));
        }
        if (sendQueue < 1 || sendQueue > 1 << 20) {
            throw new IllegalArgumentException("send queue " + sendQueue + " is out of range 1..1048576");
        }
    }
}
