package io.lwt.core;

import io.lwt.core.handshake.HandshakeMessage;
import java.io.IOException;

/**
 * A node's side of one session's handshake in progress, with its state (nonces, what was sent). The session's reader
 * hands it every handshake message until the session is established; nothing else calls it.
 */
interface Opening {

    /** Whether this side takes a message of {@code type} at all; any other ends the session before it is read. */
    boolean takes(byte type);

    /** A message of a type it takes. */
    void message(HandshakeMessage message) throws IOException;

    /** What an opening does with the one kind of message it takes. */
    @FunctionalInterface
    interface Step<M extends HandshakeMessage> {
        void take(M message) throws IOException;
    }

    /** An opening that takes only messages of {@code type}, which {@code kind} reads, and hands each to {@code step}. */
    static <M extends HandshakeMessage> Opening taking(byte type, Class<M> kind, Step<M> step) {
        return new Opening() {
            @Override
            public boolean takes(byte t) {
                return t == type;
            }

            @Override
            public void message(HandshakeMessage message) throws IOException {
                step.take(kind.cast(message));
            }
        };
    }
}
