package io.lwt.api;

import java.io.IOException;

/**
 * A peer broke the framing or session protocol (bad length, unknown type, garbage). It ends that one
 * connection; the message names the cause in one line.
 */
public class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
