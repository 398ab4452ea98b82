package io.lwt.api.codec;

import io.lwt.api.Side;
import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A disguise codec: how tunnel messages look on the byte stream. Built once per node; thread-safe. Each
 * connection gets its own {@link Framer} from {@link #open}, after any preamble or handshake the disguise needs.
 *
 * <p>A message is opaque to the codec: the engine's first byte is a message type, the rest its body.
 */
public interface Codec {

    /** The most bytes {@link Framer#encode} writes before a message; the engine reserves this much headroom. */
    int headroom();

    /** The most bytes {@link Framer#encode} writes after a message. */
    int tailroom();

    /**
     * Frames of cover traffic per second, on average, for each connection; 0 (the default) sends none. When positive,
     * the engine hands the framer empty messages (nothing between position and limit) at random intervals, busy or
     * idle, and {@link Framer#encode} must turn each into a frame that the peer's framer drops.
     */
    default int chaffRate() {
        return 0;
    }

    /**
     * Runs the preamble, if any, on a fresh connection and returns the framer for the connection's lifetime.
     *
     * @param inbound the connection's receive buffer, empty and in write mode; bytes the preamble read beyond its
     *     own end must be left in it (positions {@code 0..position}) for the first {@link Framer#decode}
     * @param maxMessageLength the longest message either side may send; a longer one is a protocol error
     * @throws io.lwt.api.ProtocolException when the peer's preamble is wrong
     */
    Framer open(Connection connection, Side side, int maxMessageLength, ByteBuffer inbound) throws IOException;
}
