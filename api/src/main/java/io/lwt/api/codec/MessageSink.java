package io.lwt.api.codec;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Receives decoded messages. */
@FunctionalInterface
public interface MessageSink {

    /**
     * One message at {@code position..limit}. The buffer is the decoder's and is valid only during this call:
     * copy what must outlive it.
     */
    void message(ByteBuffer message) throws IOException;
}
