package io.lwt.core;

/**
 * Message types of the tunnel protocol. A message is one type byte followed by its body; the codec frames it.
 * The values match the original Go lightweight-tunnel, so its peers interoperate. Handshake messages (0x10 to 0x13)
 * are the handshake package's ({@link io.lwt.core.handshake.HandshakeMessage}).
 */
final class Messages {

    /** Body: one IP packet. */
    static final byte DATA = 0x01;
    /**
     * Proves the peer is alive. No body (the original's form), or in an authenticated session an 8-byte probe that
     * the peer echoes in {@link #KEEPALIVE_ECHO}, which measures the round-trip time.
     */
    static final byte KEEPALIVE = 0x02;
    /** Body: the 8 bytes of the {@link #KEEPALIVE} probe it answers. */
    static final byte KEEPALIVE_ECHO = 0x03;
    /**
     * Body: a {@link io.lwt.api.tun.VirtioNetHeader} and one IP packet, which may be a TCP super-segment of up to 64 KiB
     * still to be cut into segments, or have a checksum still to complete. Sent only to a peer that said in the
     * handshake that it takes them; such a peer gets every packet in this form.
     */
    static final byte DATA_GSO = 0x04;
    private Messages() {}
}
