package io.lwt.core;

import io.lwt.api.ProtocolException;
import io.lwt.core.handshake.Protocol;
import io.lwt.core.noise.CipherFunction;
import io.lwt.core.noise.HandshakeState;
import io.lwt.core.noise.NoiseException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A session's keys once its handshake is done, which seal every message after it in place in its pooled buffer: on a
 * byte stream with an implicit counter ({@link StreamKeys}), on datagrams with an explicit one and a replay window
 * ({@link DatagramKeys}). Whoever holds the link's write lock seals; the reader opens.
 */
sealed interface SessionKeys permits StreamKeys, DatagramKeys {

    /** When a direction's key is replaced: after this long, or after this many messages, whichever comes first. */
    record Rekeying(Duration interval, long messages) {
        /** WireGuard's two minutes; 2^30 messages, far below where a 96-bit GCM nonce's margins matter. */
        static final Rekeying DEFAULT = new Rekeying(Duration.ofMinutes(2), 1L << 30);
    }

    int TAG = CipherFunction.TAGLEN;

    /** The keys for a connection of the given kind. */
    static SessionKeys of(HandshakeState.Transport keys, boolean datagrams, Rekeying rekeying, LongSupplier clock) {
        return datagrams ? new DatagramKeys(keys, rekeying, clock) : new StreamKeys(keys, rekeying, clock);
    }

    /**
     * Seals a message at {@code position..limit} (type byte first), which needs {@link #TAG} bytes of room after it and,
     * on datagrams, {@link DatagramKeys#NONCE} before it: on return {@code position..limit} is the sealed message.
     */
    void seal(ByteBuffer message) throws NoiseException;

    /** Opens a sealed message at {@code position..limit} in place; on return it holds the type byte and body. */
    void open(ByteBuffer message) throws ProtocolException;

    /** What status reports show: the cipher, since when, and how many keys were replaced (both directions). */
    default String cipher() {
        return Protocol.CIPHER;
    }

    Duration age();

    long rekeys();
}
