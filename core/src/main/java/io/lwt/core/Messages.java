package io.lwt.core;

/**
 * Message types of the tunnel protocol. A message is one type byte followed by its body; the codec frames it.
 * The values match the original Go lightweight-tunnel, so its peers interoperate.
 */
final class Messages {

    /** Body: one IP packet. */
    static final byte DATA = 0x01;
    /** No body: proves the peer is alive. */
    static final byte KEEPALIVE = 0x02;
    /** Handshake, hub to client: version and a fresh nonce (see {@link Handshake}). */
    static final byte CHALLENGE = 0x10;
    /** Handshake, client to hub: name, nonce and proof of key. */
    static final byte HELLO = 0x11;
    /** Handshake, hub to client: address, MTU, timers, routes and the hub's proof. */
    static final byte WELCOME = 0x12;
    /** Handshake, hub to client: why it is refused. */
    static final byte REJECT = 0x13;

    private Messages() {}
}
