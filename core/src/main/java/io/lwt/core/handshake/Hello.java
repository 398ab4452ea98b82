package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Client to hub: its name, its nonce and the proof of its key over both nonces. Extensions follow the name: type 1
 * (empty) says the client takes super-segments (DATA_GSO); hubs from before them ignore what follows the name.
 *
 * @param takesSuperSegments whether the client takes DATA_GSO messages
 */
public record Hello(byte[] clientNonce, byte[] proof, String name, boolean takesSuperSegments) implements HandshakeMessage {

    public static final byte TYPE = 0x11;
    /** The longest name, in UTF-8 bytes. */
    public static final int MAX_NAME = 64;
    private static final int TAKES_SUPER_SEGMENTS = 1;

    /** The name as it may appear in a log line: the client chose it. */
    public String printableName() {
        return printable(name);
    }

    /** Text from the network as it may appear in a log line: anything but visible characters becomes '?'. */
    public static String printable(String text) {
        return text.replaceAll("[^\\p{Graph}]", "?");
    }

    @Override
    public byte type() {
        return TYPE;
    }

    @Override
    public void write(ByteBuffer out) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        out.put((byte) VERSION).put(clientNonce).put(proof).put((byte) bytes.length).put(bytes);
        if (takesSuperSegments) {
            out.put((byte) TAKES_SUPER_SEGMENTS).put((byte) 0);
        }
    }

    public static Hello read(ByteBuffer in) throws ProtocolException {
        Wire.checkVersion(in);
        byte[] nonce = Wire.bytes(in, Proofs.NONCE, "hello");
        byte[] proof = Wire.bytes(in, Proofs.PROOF, "hello");
        int length = Wire.unsigned(in, "hello");
        if (length == 0 || length > MAX_NAME) {
            throw new ProtocolException("hello: name length " + length + " outside 1.." + MAX_NAME);
        }
        String name = new String(Wire.bytes(in, length, "hello"), StandardCharsets.UTF_8);
        boolean superSegments = false;
        while (in.hasRemaining()) {
            int type = Wire.unsigned(in, "hello");
            int extension = Wire.unsigned(in, "hello");
            if (in.remaining() < extension) {
                throw new ProtocolException("hello: truncated");
            }
            superSegments |= type == TAKES_SUPER_SEGMENTS;
            in.position(in.position() + extension); // a later client's extension, or the flag's empty value
        }
        return new Hello(nonce, proof, name, superSegments);
    }
}
