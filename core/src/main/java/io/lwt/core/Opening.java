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
}
