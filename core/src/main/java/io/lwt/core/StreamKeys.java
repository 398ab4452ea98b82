package io.lwt.core;

import io.lwt.api.ProtocolException;
import io.lwt.core.noise.CipherState;
import io.lwt.core.noise.HandshakeState;
import io.lwt.core.noise.NoiseException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A session's keys on a byte stream: every message after the handshake (data, super-segments, keepalives, echoes) is
 * sealed with AES-256-GCM under the direction's key and a 64-bit counter as the nonce, in place in its pooled buffer,
 * the tag after it, one AEAD call per message. The counter is implicit: a message lost, repeated, reordered or altered
 * fails to open, which ends only its session. Whoever holds the link's write lock seals; the reader opens.
 *
 * <p>Rekeying (Noise's Rekey, spec section 11.3, a one-way ratchet): after {@link Rekeying#interval} or
 * {@link Rekeying#messages} under one key, the sender marks the next message, inside its sealed type byte, as the last
 * under the old key and then ratchets its key; the receiver ratchets after opening the marked message. No message is
 * dropped or reordered for it, keys from before a rekey cannot be computed from later ones, and counters go on, so a
 * nonce is never reused.
 */
final class StreamKeys implements SessionKeys {

    /** The bit of a sealed message's type byte that says the sender rekeys after it. */
    static final int REKEY = 0x80;

    private final CipherState sending;
    private final CipherState receiving;
    private final Rekeying rekeying;
    private final LongSupplier clock;
    private final long established;
    private long keyedAt; // the sealer's
    private long sealedUnderKey; // the sealer's
    private volatile long sentRekeys; // the sealer's
    private volatile long receivedRekeys; // the opener's

    StreamKeys(HandshakeState.Transport keys, Rekeying rekeying, LongSupplier clock) {
        this.sending = keys.sending();
        this.receiving = keys.receiving();
        this.rekeying = rekeying;
        this.clock = clock;
        this.established = clock.getAsLong();
        this.keyedAt = established;
    }

    @Override
    public void seal(ByteBuffer message) throws NoiseException {
        long now = clock.getAsLong();
        boolean rekey = ++sealedUnderKey >= rekeying.messages() || now - keyedAt >= rekeying.interval().toNanos();
        if (rekey) {
            int at = message.position();
            message.put(at, (byte) (message.get(at) | REKEY));
        }
        sending.seal(message);
        if (rekey) {
            sending.rekey();
            keyedAt = now;
            sealedUnderKey = 0;
            sentRekeys++;
        }
    }

    @Override
    public void open(ByteBuffer message) throws ProtocolException {
        try {
            receiving.open(message);
            int at = message.position();
            byte type = message.get(at);
            if ((type & REKEY) != 0) {
                message.put(at, (byte) (type & ~REKEY));
                receiving.rekey();
                receivedRekeys++;
            }
        } catch (NoiseException e) {
            throw new ProtocolException(e.getMessage() + " (message " + receiving.nonce() + " from the peer)");
        }
    }

    @Override
    public Duration age() {
        return Duration.ofNanos(clock.getAsLong() - established);
    }

    @Override
    public long rekeys() {
        return sentRekeys + receivedRekeys;
    }
}
