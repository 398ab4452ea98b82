package io.lwt.testsupport;

import io.lwt.api.ProtocolException;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * A {@link Fuzz.Target} for any codec's {@link Framer#decode}, fed the way the engine feeds it: a direct receive buffer
 * of the engine's size, filled by reads of arbitrary length, compacted after every decode. Besides the {@link Fuzz}
 * invariants it checks the framer contract on every input: each message is 1 to {@code maxMessageLength} bytes, the
 * inbound limit is restored, the position never passes it, a partial frame never fills the receive buffer, and
 * how the bytes were split into reads changes nothing about what is decoded.
 *
 * <p>A framer may also end the stream with an {@link EOFException}: the peer's close announced inside the stream (a
 * WebSocket close frame), which the engine ends the session on. Such an input counts as accepted, not as a finding.
 */
public final class CodecFuzz {

    /** Read sizes of the trickle pass: single bytes, split headers, and MTU-sized reads. */
    private static final int[] TRICKLE = {1, 2, 3, 5, 7, 64, 1500};

    private CodecFuzz() {}

    /**
     * The target. {@code framers} makes a fresh framer for each pass (a framer may keep state across reads, as a
     * connection's would); the receive buffer is sized as the engine sizes it for {@code codec}.
     */
    public static Fuzz.Target decoder(Codec codec, Supplier<Framer> framers, int maxMessageLength) {
        int size = Math.max(64 * 1024, 2 * (codec.headroom() + maxMessageLength + codec.tailroom()));
        ByteBuffer inbound = ByteBuffer.allocateDirect(size);
        Recorder bulk = new Recorder(maxMessageLength);
        Recorder trickle = new Recorder(maxMessageLength);
        return input -> {
            IOException bulkError = feed(framers.get(), input, inbound, bulk, 0);
            IOException trickleError = feed(framers.get(), input, inbound, trickle, 1 + input.length % 7);
            if (bulk.messages != trickle.messages || bulk.hash != trickle.hash
                    || (bulkError == null) != (trickleError == null)
                    || bulkError instanceof EOFException != trickleError instanceof EOFException) {
                throw new AssertionError("reads of other sizes decode differently: " + bulk + " / " + trickle
                        + ", errors " + bulkError + " / " + trickleError);
            }
            if (bulkError instanceof ProtocolException e) {
                throw e;
            }
        };
    }

    /**
     * Feeds {@code input} in reads that fill the buffer ({@code pattern} 0) or follow {@link #TRICKLE} from index
     * {@code pattern}; returns the protocol error or the peer's close that ended the stream, if any.
     */
    private static IOException feed(Framer framer, byte[] input, ByteBuffer inbound, Recorder sink, int pattern) {
        sink.reset();
        inbound.clear();
        int offset = 0;
        int read = pattern;
        try {
            while (offset < input.length) {
                int n = Math.min(input.length - offset, inbound.remaining());
                if (pattern != 0) {
                    n = Math.min(n, TRICKLE[read++ % TRICKLE.length]);
                }
                inbound.put(input, offset, n);
                offset += n;
                inbound.flip();
                int limit = inbound.limit();
                framer.decode(inbound, sink);
                if (inbound.limit() != limit || inbound.position() > limit) {
                    throw new AssertionError("decode left position " + inbound.position() + " and limit " + inbound.limit()
                            + " for a limit of " + limit);
                }
                inbound.compact();
                if (!inbound.hasRemaining()) {
                    throw new ProtocolException("frame larger than the receive buffer"); // as the engine's session says
                }
            }
            return null;
        } catch (ProtocolException | EOFException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError("decode threw an IOException other than ProtocolException or EOFException", e);
        }
    }

    /** Counts messages and hashes their bytes, allocating nothing, so allocation measured is the framer's own. */
    private static final class Recorder implements MessageSink {
        private final int maxMessageLength;
        int messages;
        int hash;

        Recorder(int maxMessageLength) {
            this.maxMessageLength = maxMessageLength;
        }

        void reset() {
            messages = 0;
            hash = 1;
        }

        @Override
        public void message(ByteBuffer message) {
            int length = message.remaining();
            if (length < 1 || length > maxMessageLength) {
                throw new AssertionError("a message of " + length + " bytes, outside 1.." + maxMessageLength);
            }
            messages++;
            hash = 31 * hash + length;
            for (int i = message.position(); i < message.limit(); i++) {
                hash = 31 * hash + message.get(i);
            }
        }

        @Override
        public String toString() {
            return messages + " messages (hash " + Integer.toHexString(hash) + ")";
        }
    }

    /**
     * What {@code framer} makes of all of {@code input} at once, in the words of a corpus test: {@code "2 messages"}
     * (with {@code ", N bytes waiting"} for a partial frame), {@code "rejected: "} and the protocol error, or
     * {@code "closed: "} and the peer's close. The input is copied first: a framer may decode in place.
     */
    public static String decodeAll(Framer framer, byte[] input) throws IOException {
        ByteBuffer inbound = ByteBuffer.wrap(input.clone());
        int[] messages = {0};
        try {
            framer.decode(inbound, m -> messages[0]++);
        } catch (ProtocolException e) {
            return "rejected: " + e.getMessage();
        } catch (EOFException e) {
            return "closed: " + e.getMessage();
        }
        return messages[0] + (messages[0] == 1 ? " message" : " messages")
                + (inbound.hasRemaining() ? ", " + inbound.remaining() + " bytes waiting" : "");
    }

    /** A corpus input written as hex with spaces between parts, where {@code hh*n} is the byte {@code hh} n times. */
    public static byte[] corpusInput(String hex) {
        StringBuilder all = new StringBuilder();
        for (String part : hex.strip().split("\\s+")) {
            int star = part.indexOf('*');
            all.append(star < 0 ? part : part.substring(0, star).repeat(Integer.parseInt(part.substring(star + 1))));
        }
        return HexFormat.of().parseHex(all);
    }
}
