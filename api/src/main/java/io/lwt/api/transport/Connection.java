package io.lwt.api.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A blocking connection to one peer: a byte stream, or, where {@link #carriesDatagrams()}, a sequence of whole messages
 * that may be lost, duplicated or reordered. One thread reads and another writes concurrently; {@link #close()} may
 * come from any thread and makes blocked calls on both sides throw.
 */
public interface Connection extends Closeable {

    /** The most bytes a datagram connection writes before each message's position, its own header. */
    int DATAGRAM_HEADROOM = 8;

    /**
     * Whether this connection carries datagrams rather than a byte stream: each {@link #read} returns exactly one whole
     * message, each buffer given to {@link #write} goes as one message, and the network may lose, duplicate or reorder
     * them. A datagram connection may write up to {@link #DATAGRAM_HEADROOM} bytes before each buffer's position as it
     * sends it. The engine then frames nothing (a disguise codec needs a stream), numbers its sealed messages
     * explicitly, and drops a message that fails to open instead of ending the session.
     */
    default boolean carriesDatagrams() {
        return false;
    }

    /**
     * The message read last opened under the session's keys, so its sender holds them: a datagram connection sends
     * to the address it came from from now on, which lets a client whose address changed keep its session (roaming).
     * A forged or replayed datagram, which never opens, can therefore not redirect the session.
     */
    default void authenticated() {}

    /**
     * Reads at least one byte into {@code dst} (from its position to its limit), blocking until some arrive; on a
     * datagram connection, exactly one whole message (the transport drops one longer than {@code dst}'s room rather
     * than deliver it cut off).
     *
     * @return the number of bytes read, or -1 at end of stream
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes every remaining byte of {@code srcs[offset..offset+length)}, as few system calls as the transport
     * allows (a gathering write). On return the buffers' positions are at their limits.
     */
    void write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Writes what the connection takes at once, without blocking, of {@code srcs[offset..offset+length)}, and
     * returns how many bytes that was (the buffers' positions moved past them), possibly 0; or -1, having written
     * nothing, when the transport cannot write without blocking. What is left of a frame must then go with
     * {@link #write} before anything else. A hub's session uses it to send a packet to an idle peer from the thread
     * that read it, without waking the peer's writer, and without a peer that stops reading stalling that thread.
     */
    default long writeWithoutBlocking(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return -1;
    }

    /** The peer's address as the transport sees it. */
    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /**
     * The peer's identity as the transport authenticated it (e.g. a client certificate's subject), or empty when
     * the transport does not authenticate peers; the session handshake then relies on its own proof.
     */
    default Optional<String> peerIdentity() {
        return Optional.empty();
    }

    /**
     * Keying material that names this connection's security context and no other, which the session handshake binds
     * itself to (for TLS, the exporter of RFC 8446 section 7.5): a man in the middle who ends two such connections
     * cannot then relay the handshake from one to the other. Empty when the transport has none; the bytes are the same
     * at both ends. The transport may finish its own handshake first, as a first read would.
     */
    default Optional<byte[]> channelBinding() throws IOException {
        return Optional.empty();
    }
}
