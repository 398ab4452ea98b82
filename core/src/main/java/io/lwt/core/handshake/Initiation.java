package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Client to hub, first: the first Noise message and a MAC of it under the hub's public key ({@link Protocol#mac1}),
 * which the hub checks before anything else, so that it answers no one who does not know its key.
 */
public record Initiation(byte[] noise, byte[] mac1) implements HandshakeMessage {

    public static final byte TYPE = 0x20;
    /** The Noise message's length without its payload: e, the encrypted s, the payload's tag. */
    static final int NOISE_OVERHEAD = 32 + 32 + 16 + 16;
    /** The largest Noise message this side takes: a timestamp and up to 64 bytes of extensions. */
    static final int MAX_NOISE = NOISE_OVERHEAD + Protocol.TIMESTAMP + 64;

    public Initiation {
        noise = noise.clone();
        mac1 = mac1.clone();
    }

    @Override
    public byte[] noise() {
        return noise.clone();
    }

    @Override
    public byte[] mac1() {
        return mac1.clone();
    }

    @Override
    public byte type() {
        return TYPE;
    }

    @Override
    public int length() {
        return 1 + noise.length + Protocol.MAC;
    }

    @Override
    public void write(ByteBuffer out) {
        out.put((byte) VERSION).put(noise).put(mac1);
    }

    /** The bytes the MAC covers: the version and the Noise message. */
    byte[] covered() {
        return ByteBuffer.allocate(1 + noise.length).put((byte) VERSION).put(noise).array();
    }

    public static Initiation read(ByteBuffer in) throws ProtocolException {
        Wire.checkVersion(in);
        int length = in.remaining() - Protocol.MAC;
        if (length < NOISE_OVERHEAD + Protocol.TIMESTAMP || length > MAX_NOISE) {
            throw new ProtocolException("initiation: " + in.remaining() + " bytes, not a Noise message and its MAC");
        }
        byte[] noise = Wire.bytes(in, length, "initiation");
        return new Initiation(noise, Wire.bytes(in, Protocol.MAC, "initiation"));
    }
}
