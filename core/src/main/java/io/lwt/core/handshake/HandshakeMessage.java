package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;

/**
 * A message of the session handshake, version 1. The hub speaks first with a fresh nonce; the client answers with its
 * name, its own nonce and a proof of its pre-shared key; the hub answers with what it grants the client and its own
 * proof, or a reason for refusing:
 *
 * <pre>
 * CHALLENGE  version:u8  serverNonce:32
 * HELLO      version:u8  clientNonce:32  proof:32  nameLength:u8  name:utf-8
 *            (extensionType:u8  extensionLength:u8  value)*
 * WELCOME    version:u8  proof:32  address:4  prefix:u8  mtu:u16  keepaliveMs:u32  timeoutMs:u32
 *            routeCount:u8  (route:4 prefix:u8)*  (extensionType:u8  extensionLength:u8  value)*
 * REJECT     code:u8  textLength:u8  text:utf-8
 * </pre>
 *
 * Each is one message of the tunnel protocol: its type byte, then the body above. {@link HubHandshake} and
 * {@link ClientHandshake} are the two sides; {@link Proofs} the key proofs.
 */
public sealed interface HandshakeMessage permits Challenge, Hello, Welcome, Reject {

    int VERSION = 1;

    /** The message type byte that precedes the body. */
    byte type();

    /** Writes the body at the buffer's position. */
    void write(ByteBuffer out);

    /** Whether {@code type} is a handshake message's type. */
    static boolean isHandshake(byte type) {
        return type == Challenge.TYPE || type == Hello.TYPE || type == Welcome.TYPE || type == Reject.TYPE;
    }

    /** Reads the body of a message of {@code type}, which {@link #isHandshake} accepts. */
    static HandshakeMessage read(byte type, ByteBuffer body) throws ProtocolException {
        return switch (type) {
            case Challenge.TYPE -> Challenge.read(body);
            case Hello.TYPE -> Hello.read(body);
            case Welcome.TYPE -> Welcome.read(body);
            case Reject.TYPE -> Reject.read(body);
            default -> throw new ProtocolException(String.format("unknown handshake message 0x%02x", type));
        };
    }
}
