package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;

/** Hub to client: the second Noise message, whose payload is the hub's {@link Answer}. */
public record Response(byte[] noise) implements HandshakeMessage {

    public static final byte TYPE = 0x21;
    /** e and the payload's tag. */
    static final int NOISE_OVERHEAD = 32 + 16;
    /** A grant of the most routes fits with room to spare. */
    static final int MAX_NOISE = NOISE_OVERHEAD + 1200;

    public Response {
        noise = noise.clone();
    }

    @Override
    public byte[] noise() {
        return noise.clone();
    }

    @Override
    public byte type() {
        return TYPE;
    }

    @Override
    public int length() {
        return noise.length;
    }

    @Override
    public void write(ByteBuffer out) {
        out.put(noise);
    }

    public static Response read(ByteBuffer in) throws ProtocolException {
        if (in.remaining() <= NOISE_OVERHEAD || in.remaining() > MAX_NOISE) {
            throw new ProtocolException("response: " + in.remaining() + " bytes, not a Noise message");
        }
        return new Response(Wire.bytes(in, in.remaining(), "response"));
    }
}
