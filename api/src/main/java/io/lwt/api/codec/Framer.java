package io.lwt.api.codec;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Frames and unframes messages on one connection. One thread encodes and another decodes concurrently.
 * Implementations must not allocate per message, and an attacker's length field never decides an allocation.
 */
public interface Framer {

    /**
     * Turns the message at {@code position..limit} into wire bytes in place: it may write up to
     * {@link Codec#headroom()} bytes before the position and {@link Codec#tailroom()} bytes after the limit, and
     * transform the message bytes. On return {@code position..limit} are exactly the bytes to send.
     */
    void encode(ByteBuffer message);

    /**
     * Decodes every complete frame in {@code inbound} ({@code position..limit}, read mode), handing each message to
     * {@code sink}, and leaves the position at the first byte of an incomplete frame.
     *
     * @throws io.lwt.api.ProtocolException for a malformed or oversized frame; the connection is then closed
     */
    void decode(ByteBuffer inbound, MessageSink sink) throws IOException;
}
