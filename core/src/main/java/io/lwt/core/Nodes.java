package io.lwt.core;

import io.lwt.api.ValueSyntax;
import io.lwt.api.codec.Codec;
import io.lwt.api.tun.VirtioNetHeader;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/** What hubs and clients share beyond sessions: checks at start, the periodic tick, quiet closing. */
final class Nodes {

    private static final System.Logger LOG = System.getLogger(Nodes.class.getName());

    private Nodes() {}

    /** What a pooled buffer's headroom offers a codec: what the type byte and a virtio-net header leave. */
    static final int CODEC_HEADROOM = PacketBuffers.HEADROOM - 1 - VirtioNetHeader.LENGTH;

    /**
     * The codec must fit its header before the type byte and a super-segment's header in a pooled buffer's headroom;
     * the pool reserves the codec's own tailroom, up to a bound.
     */
    static void checkHeadroom(Codec codec) {
        int maxTailroom = PacketBuffers.MAX_TAILROOM - SessionKeys.TAG; // a sealed message's tag lies before it
        if (codec.headroom() > CODEC_HEADROOM || codec.tailroom() < 0 || codec.tailroom() > maxTailroom) {
            throw new IllegalArgumentException("codec needs " + codec.headroom() + " bytes of headroom and "
                    + codec.tailroom() + " of tailroom; the engine offers " + CODEC_HEADROOM + " and "
                    + maxTailroom);
        }
    }

    /**
     * Calls {@code tick} with the current nano time a few times per keepalive interval until {@code stopped}, so
     * keepalives and timeouts fire within a quarter interval of when they are due.
     */
    static void tick(SessionSettings settings, AtomicBoolean stopped, Runnable tick) {
        long period = Math.clamp(settings.keepalive().toMillis() / 4, 50, 1000);
        try {
            while (!stopped.get()) {
                Thread.sleep(period);
                tick.run();
            }
        } catch (InterruptedException e) {
            // stopping
        }
    }

    /** How long a node shutting down waits for its sessions to send what they queued. */
    static final Duration DRAIN = Duration.ofSeconds(2);

    /** Lets each session send its queue, then closes it; those not done within {@link #DRAIN} are closed anyway. */
    static void drain(List<Session> sessions, String reason) {
        sessions.forEach(s -> s.drainAndClose(reason));
        long deadline = System.nanoTime() + DRAIN.toNanos();
        try {
            for (Session s : sessions) {
                if (!s.awaitClosed(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    s.close(reason + " (queue not sent within " + ValueSyntax.text(DRAIN) + ")");
                }
            }
        } catch (InterruptedException e) {
            sessions.forEach(s -> s.close(reason));
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing {0}: {1}", closeable, e.getMessage());
        }
    }

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * A wait uniformly in [d/2, d]: retries of many nodes spread out instead of coming in lockstep (after a hub
     * restarts, or a store comes back).
     */
    static Duration jitter(Duration d) {
        long millis = d.toMillis();
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    /**
     * A failure as a log line names it: an I/O error by its message; anything else, a bug somewhere (a plugin's,
     * perhaps), by its class too.
     */
    static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        return e instanceof IOException ? message : e.getClass().getSimpleName() + ": " + message;
    }
}
