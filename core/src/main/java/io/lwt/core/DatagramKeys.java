package io.lwt.core;

import io.lwt.api.ProtocolException;
import io.lwt.core.noise.CipherState;
import io.lwt.core.noise.HandshakeState;
import io.lwt.core.noise.NoiseException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A session's keys on datagrams, which the network may lose, duplicate or reorder: each sealed message carries its
 * 64-bit nonce in clear before it, as WireGuard's data messages carry their counter. The nonce's top byte numbers the
 * key it was sealed under (its epoch, modulo 256); the other 56 bits count the session's messages and never repeat, so
 * no nonce is used twice under any key. A receiver takes each counter at most once, within a sliding window
 * ({@link ReplayWindow}), and only after its message opened; one that does not open is refused, and the link drops it.
 *
 * <p>Rekeying is the stream's one-way ratchet (Noise's Rekey, spec section 11.3), but the epoch tells the receiver
 * of it rather than a marked message, which could be lost: a message of the next epoch is tried under the next key
 * (computed once), which replaces the current one when the message opens; the key before stays for messages still on
 * the way until the next rekey, then is gone.
 */
final class DatagramKeys implements SessionKeys {

    /** The bytes of the nonce before each sealed message. */
    static final int NONCE = Long.BYTES;
    private static final int EPOCH_SHIFT = 56;
    private static final long COUNTER = (1L << EPOCH_SHIFT) - 1;

    private final Rekeying rekeying;
    private final LongSupplier clock;
    private final long established;
    private final CipherState sending;
    private long sent; // the sealer's, as the rest of the sending side
    private int sendingEpoch;
    private long keyedAt;
    private long sealedUnderKey;
    private volatile long sentRekeys;
    private final ReplayWindow window = new ReplayWindow(); // the opener's, as the rest of the receiving side
    private CipherState receiving;
    private int receivingEpoch;
    private CipherState previous;
    private CipherState next;
    private volatile long receivedRekeys;

    DatagramKeys(HandshakeState.Transport keys, Rekeying rekeying, LongSupplier clock) {
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
        if (sealedUnderKey >= rekeying.messages() || now - keyedAt >= rekeying.interval().toNanos()) {
            sending.rekey();
            sendingEpoch = (sendingEpoch + 1) & 0xFF;
            keyedAt = now;
            sealedUnderKey = 0;
            sentRekeys++;
        }
        if (sent > COUNTER) {
            throw new NoiseException("the 2^56 messages of this session are used up");
        }
        long nonce = (long) sendingEpoch << EPOCH_SHIFT | sent++;
        sealedUnderKey++;
        sending.setNonce(nonce);
        sending.seal(message);
        int at = message.position() - NONCE;
        message.putLong(at, nonce).position(at);
    }

    @Override
    public void open(ByteBuffer message) throws ProtocolException {
        int start = message.position();
        if (message.remaining() < NONCE + 1 + TAG) {
            throw new ProtocolException("a datagram of " + message.remaining() + " bytes, too short for a sealed message");
        }
        long nonce = message.getLong(start);
        long counter = nonce & COUNTER;
        int epoch = (int) (nonce >>> EPOCH_SHIFT);
        if (!window.mayAccept(counter)) {
            throw new ProtocolException("message " + counter + " again, or too far behind to tell");
        }
        CipherState key = keyOf(epoch);
        if (key == null) {
            throw new ProtocolException("message " + counter + " under key " + epoch + ", which is not in use (the "
                    + "current one is " + receivingEpoch + ")");
        }
        key.setNonce(nonce);
        try {
            key.open(message.position(start + NONCE));
        } catch (NoiseException e) {
            message.position(start);
            throw new ProtocolException(e.getMessage() + " (message " + counter + " from the peer)");
        }
        window.accept(counter);
        if (key == next) {
            previous = receiving;
            receiving = next;
            receivingEpoch = epoch;
            next = null;
            receivedRekeys++;
        }
    }

    /** The key of an epoch: the current one, the one before it, or the next one (computed on first sight); else null. */
    private CipherState keyOf(int epoch) throws ProtocolException {
        if (epoch == receivingEpoch) {
            return receiving;
        }
        if (epoch == ((receivingEpoch - 1) & 0xFF)) {
            return previous;
        }
        if (epoch != ((receivingEpoch + 1) & 0xFF)) {
            return null;
        }
        if (next == null) {
            try {
                next = receiving.rekeyed();
            } catch (NoiseException e) {
                throw new ProtocolException(e.getMessage());
            }
        }
        return next;
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
