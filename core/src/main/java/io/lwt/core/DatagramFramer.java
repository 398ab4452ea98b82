package io.lwt.core;

import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The framing of a datagram connection, which is none: each read is one whole message and each buffer written goes as
 * one, so a message needs no length and no codec's disguise.
 */
enum DatagramFramer implements Framer {
    INSTANCE;

    @Override
    public void encode(ByteBuffer message) {}

    @Override
    public void decode(ByteBuffer inbound, MessageSink sink) throws IOException {
        if (inbound.hasRemaining()) {
            sink.message(inbound);
        }
        inbound.position(inbound.limit());
    }
}
