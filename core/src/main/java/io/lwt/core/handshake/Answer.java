package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;

/** What the hub answers in its RESPONSE's payload: {@code kind:u8} and the body of a {@link Grant} or a {@link Reject}. */
public sealed interface Answer permits Grant, Reject {

    byte GRANT = 1;
    byte REJECT = 2;

    /** Writes the kind and the body. */
    void write(ByteBuffer out);

    static Answer read(ByteBuffer in) throws ProtocolException {
        return switch (Wire.unsigned(in, "answer")) {
            case GRANT -> Grant.read(in);
            case REJECT -> Reject.read(in);
            default -> throw new ProtocolException("answer: unknown kind");
        };
    }
}
