package io.lwt.transport.tls;

import java.io.Serial;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * This side refuses the peer: BouncyCastle sends {@code alert} to the peer and rethrows this, and the connection
 * reports {@code reason} (one line, without the "tls: " prefix).
 */
final class Refusal extends TlsFatalAlert {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String reason;

    Refusal(short alert, String reason) {
        super(alert, reason);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
