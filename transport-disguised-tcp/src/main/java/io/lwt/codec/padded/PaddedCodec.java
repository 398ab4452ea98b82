package io.lwt.codec.padded;

import io.lwt.api.ProtocolException;
import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Codec {@code padded}: every frame is padded with random bytes to one of a few sizes, so the sizes of the frames
 * no longer tell the sizes of the packets inside. No preamble. Each frame is
 *
 * <pre>
 *   length L   4 bytes, big-endian: the message's length, 0..maxMessageLength (0: a frame to drop)
 *   padding P  2 bytes, big-endian: 0..16383
 *   message    L bytes
 *   padding    P random bytes, dropped by the receiver
 * </pre>
 *
 * <p>The sender makes {@code 6 + L + P} the smallest bucket that holds {@code 6 + L}, or, for frames larger than
 * the largest bucket, the next multiple of the largest bucket. So the padding never exceeds the largest bucket less
 * one, which is this codec's tailroom (at most 16383 bytes). The receiver takes any padding up to that protocol
 * bound, whatever its own buckets, and a frame with {@code L = 0} is dropped, so that frames of cover traffic can be
 * added without changing the format.
 *
 * <p>What it hides: the size of each packet, from an observer who cannot read the frames, i.e. inside an encrypted
 * transport. On a plaintext stream the header and the packets are readable anyway. It does not hide timing, the
 * number of packets, or the total volume (which it raises).
 *
 * <p>Cover traffic: with a positive {@code chaffRate} the engine asks for that many empty messages per second on
 * average, at random intervals; each becomes a frame with {@code L = 0} of a randomly chosen bucket's size, which
 * looks like any other frame to an observer and which the receiver drops.
 *
 * @param buckets the frame sizes, strictly increasing, each in {@value #MIN_BUCKET}..{@value #MAX_BUCKET}
 * @param chaffRate frames of cover traffic per second, 0..{@value #MAX_CHAFF_RATE}
 */
public record PaddedCodec(List<Integer> buckets, int chaffRate) implements Codec {

    static final int HEADER = 6;
    static final int MIN_BUCKET = 64;
    static final int MAX_BUCKET = 16384;
    static final int MAX_PADDING = MAX_BUCKET - 1;
    static final List<Integer> DEFAULT_BUCKETS = List.of(128, 512, 1024, 1500);
    static final int MAX_CHAFF_RATE = 10_000;

    /** Without cover traffic. */
    public PaddedCodec(List<Integer> buckets) {
        this(buckets, 0);
    }

    public PaddedCodec {
        if (chaffRate < 0 || chaffRate > MAX_CHAFF_RATE) {
            throw new IllegalArgumentException("chaff rate " + chaffRate + " outside 0.." + MAX_CHAFF_RATE);
        }
        buckets = List.copyOf(buckets);
        if (buckets.isEmpty() || buckets.size() > 32) {
            throw new IllegalArgumentException("expected 1 to 32 sizes, got " + buckets.size());
        }
        int previous = 0;
        for (int bucket : buckets) {
            if (bucket < MIN_BUCKET || bucket > MAX_BUCKET) {
                throw new IllegalArgumentException("size " + bucket + " outside " + MIN_BUCKET + ".." + MAX_BUCKET);
            }
            if (bucket <= previous) {
                throw new IllegalArgumentException("sizes must increase: " + bucket + " after " + previous);
            }
            previous = bucket;
        }
    }

    @Override
    public int headroom() {
        return HEADER;
    }

    /** The most padding a frame gets: the largest bucket less one. */
    @Override
    public int tailroom() {
        return buckets.getLast() - 1;
    }

    @Override
    public Framer open(Connection connection, Side side, int maxMessageLength, ByteBuffer inbound) {
        return new PaddedFramer(buckets.stream().mapToInt(Integer::intValue).toArray(), maxMessageLength);
    }

    /** Frames of one connection; the writer's padding generator is used by the encoding thread only. */
    static final class PaddedFramer implements Framer {
        private final int[] buckets;
        private final int maxMessageLength;
        private final SplittableRandom padding = new SplittableRandom(new SecureRandom().nextLong());

        PaddedFramer(int[] buckets, int maxMessageLength) {
            if (maxMessageLength < 1) {
                throw new IllegalArgumentException("maxMessageLength must be positive: " + maxMessageLength);
            }
            this.buckets = buckets;
            this.maxMessageLength = maxMessageLength;
        }

        /** The frame size for a frame of {@code needed} bytes before padding. */
        int frameSize(int needed) {
            for (int bucket : buckets) {
                if (bucket >= needed) {
                    return bucket;
                }
            }
            int largest = buckets[buckets.length - 1];
            return (needed + largest - 1) / largest * largest;
        }

        /** A message frames to its bucket; an empty one (cover traffic) to a random bucket, so it passes for any other. */
        @Override
        public void encode(ByteBuffer message) {
            int length = message.remaining();
            int start = message.position() - HEADER;
            int end = message.limit();
            int size = length == 0 ? buckets[padding.nextInt(buckets.length)] : frameSize(HEADER + length);
            int pad = size - HEADER - length;
            message.putInt(start, length).putShort(start + 4, (short) pad).limit(end + pad);
            int i = end;
            for (; i + 8 <= end + pad; i += 8) {
                message.putLong(i, padding.nextLong());
            }
            for (; i < end + pad; i++) {
                message.put(i, (byte) padding.nextInt());
            }
            message.position(start);
        }

        @Override
        public void decode(ByteBuffer inbound, MessageSink sink) throws IOException {
            int limit = inbound.limit();
            int position = inbound.position();
            while (limit - position >= HEADER) {
                int length = inbound.getInt(position);
                int pad = inbound.getShort(position + 4) & 0xffff;
                if (length < 0 || length > maxMessageLength) {
                    throw new ProtocolException("frame length " + Integer.toUnsignedString(length) + " outside 0.."
                            + maxMessageLength);
                }
                if (pad > MAX_PADDING) {
                    throw new ProtocolException("padding of " + pad + " bytes, more than " + MAX_PADDING);
                }
                int end = position + HEADER + length + pad;
                if (end > limit) {
                    break;
                }
                if (length > 0) {
                    inbound.limit(position + HEADER + length).position(position + HEADER);
                    try {
                        sink.message(inbound);
                    } finally {
                        inbound.limit(limit);
                    }
                }
                position = end;
            }
            inbound.position(position);
        }
    }
}
