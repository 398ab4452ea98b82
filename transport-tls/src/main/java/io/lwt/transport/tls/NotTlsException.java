package io.lwt.transport.tls;

import java.io.IOException;
import java.io.Serial;

/** The peer's first bytes are not a TLS record: it speaks something else (usually the plain {@code tcp} transport). */
final class NotTlsException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    NotTlsException(String message) {
        super(message);
    }
}
