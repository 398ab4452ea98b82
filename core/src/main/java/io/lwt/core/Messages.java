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

    private Messages() {}
}
