package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;

/**
 * A message of the session handshake, version 2: {@code Noise_IKpsk2_25519_AESGCM_SHA256} (see {@link Protocol}).
 * The client speaks first; the hub answers only an initiation that proves it knows the hub's public key:
 *
 * <pre>
 * INITIATION  version:u8  noise:(e:32 s:32+16 payload+16)  mac1:16     client to hub
 * RESPONSE    noise:(e:32 payload+16)                                  hub to client
 * </pre>
 *
 * The initiation's payload is a timestamp and the client's extensions, the response's the hub's {@link Answer}: a
 * {@link Grant} or a {@link Reject}, so both travel inside the authenticated handshake. Each is one message of the
 * tunnel protocol: its type byte, then the body above. {@link ClientHandshake} and {@link HubHandshake} are the two
 * sides.
 */
public sealed interface HandshakeMessage permits Initiation, Response {

    int VERSION = 2;

    /** The message type byte that precedes the body. */
    byte type();

    /** Writes the body at the buffer's position. */
    void write(ByteBuffer out);

    /** The body's length in bytes. */
    int length();

    /** Whether {@code type} is a handshake message's type. */
    static boolean isHandshake(byte type) {
        return type == Initiation.TYPE || type == Response.TYPE;
    }

    /** Reads the body of a message of {@code type}, which {@link #isHandshake} accepts. */
    static HandshakeMessage read(byte type, ByteBuffer body) throws ProtocolException {
        return switch (type) {
            case Initiation.TYPE -> Initiation.read(body);
            case Response.TYPE -> Response.read(body);
            default -> throw new ProtocolException(String.format("unknown handshake message 0x%02x", type));
        };
    }
}
