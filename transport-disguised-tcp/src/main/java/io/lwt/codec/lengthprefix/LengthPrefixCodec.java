package io.lwt.codec.lengthprefix;

import io.lwt.api.ProtocolException;
import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Each frame is a 4-byte big-endian length N followed by the N bytes of one message, as the original Go
 * lightweight-tunnel writes them; there is no preamble.
 */
public final class LengthPrefixCodec implements Codec {

    static final int HEADER = 4;

    @Override
    public int headroom() {
        return HEADER;
    }

    @Override
    public int tailroom() {
        return 0;
    }

    @Override
    public Framer open(Connection connection, Side side, int maxMessageLength, ByteBuffer inbound) {
        return new LengthPrefixFramer(maxMessageLength);
    }

    /** A TLS record header (handshake or alert, version 3.x) read as a length: the peer speaks TLS to a plain port. */
    static boolean looksLikeTls(int length) {
        int type = length >>> 24;
        return (type == 0x16 || type == 0x15) && (length >>> 16 & 0xff) == 0x03;
    }

    /** Stateless apart from the limit, so one instance may encode and decode on two threads. */
    static final class LengthPrefixFramer implements Framer {
        private final int maxMessageLength;

        LengthPrefixFramer(int maxMessageLength) {
            if (maxMessageLength < 1) {
                throw new IllegalArgumentException("maxMessageLength must be positive: " + maxMessageLength);
            }
            this.maxMessageLength = maxMessageLength;
        }

        @Override
        public void encode(ByteBuffer message) {
            int start = message.position() - HEADER;
            message.putInt(start, message.remaining()).position(start);
        }

        @Override
        public void decode(ByteBuffer inbound, MessageSink sink) throws IOException {
            int limit = inbound.limit();
            int position = inbound.position();
            while (limit - position >= HEADER) {
                int length = inbound.getInt(position);
                if (length < 1 || length > maxMessageLength) {
                    throw new ProtocolException("frame length " + Integer.toUnsignedString(length)
                            + " outside 1.." + maxMessageLength + (looksLikeTls(length)
                            ? ": these bytes start a TLS record (does the peer use transport tls?)" : ""));
                }
                int end = position + HEADER + length;
                if (end > limit) {
                    break;
                }
                inbound.limit(end).position(position + HEADER);
                try {
                    sink.message(inbound);
                } finally {
                    inbound.limit(limit);
                }
                position = end;
            }
            inbound.position(position);
        }
    }
}
