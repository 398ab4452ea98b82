package io.lwt.core;

import io.lwt.api.ValueSyntax;
import java.time.Duration;

/**
 * Per-session behaviour shared by hubs and clients.
 *
 * @param keepalive how often a keepalive is sent on an otherwise idle session
 * @param timeout a session that has received nothing for this long is closed (dead-peer detection)
 * @param sendQueue packets queued per session before new ones are dropped, so a slow peer never stalls others
 * @param sendQueueBytes the bytes those packets may hold at most, the bound that matters for 64 KiB super-segments
 */
public record SessionSettings(Duration keepalive, Duration timeout, int sendQueue, int sendQueueBytes) {

    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_SEND_QUEUE = 1024;
    public static final int MAX_SEND_QUEUE = 1 << 20;
    /** 4 MiB: at 3 Gbit/s about 10 ms of traffic, far more than a TCP flow inside needs to keep its pace. */
    public static final int DEFAULT_SEND_QUEUE_BYTES = 4 << 20;
    public static final int MIN_SEND_QUEUE_BYTES = 64 << 10;
    public static final int MAX_SEND_QUEUE_BYTES = 1 << 30;

    public static final SessionSettings DEFAULTS =
            new SessionSettings(DEFAULT_KEEPALIVE, DEFAULT_TIMEOUT, DEFAULT_SEND_QUEUE);

    /** Settings with the default byte bound of the send queue. */
    public SessionSettings(Duration keepalive, Duration timeout, int sendQueue) {
        this(keepalive, timeout, sendQueue, DEFAULT_SEND_QUEUE_BYTES);
    }

    public SessionSettings {
        if (keepalive.isNegative() || keepalive.isZero()) {
            throw new IllegalArgumentException("keepalive must be positive");
        }
        if (timeout.compareTo(keepalive) <= 0) {
            throw new IllegalArgumentException(
                    "timeout " + ValueSyntax.text(timeout) + " must be longer than keepalive " + ValueSyntax.text(keepalive));
        }
        if (sendQueue < 1 || sendQueue > MAX_SEND_QUEUE) {
            throw new IllegalArgumentException("send queue " + sendQueue + " is out of range 1.." + MAX_SEND_QUEUE);
        }
        if (sendQueueBytes < MIN_SEND_QUEUE_BYTES || sendQueueBytes > MAX_SEND_QUEUE_BYTES) {
            throw new IllegalArgumentException("send queue of " + sendQueueBytes + " bytes is out of range "
                    + MIN_SEND_QUEUE_BYTES + ".." + MAX_SEND_QUEUE_BYTES);
        }
    }
}
