package io.lwt.benchmarks;

import io.lwt.core.noise.CipherState;
import io.lwt.core.noise.Curve25519;
import io.lwt.core.noise.HandshakeState;
import io.lwt.core.noise.NoiseException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Sealing and opening one message in place as a session does (AES-256-GCM under the keys of a real IKpsk2 handshake,
 * the tag after the message): a full packet and a 64 KiB super-segment, in the engine's direct buffers and in heap
 * buffers, since the JDK's AES-GCM differs between the two.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SealBenchmark {

    private static final int HEADROOM = 64;

    @Param({"1400", "65536"})
    public int size;

    @Param({"direct", "heap"})
    public String buffer;

    private CipherState sending;
    private CipherState receiving;
    private ByteBuffer message;

    @Setup
    public void handshake() throws NoiseException {
        Curve25519.KeyPair hub = Curve25519.generate();
        byte[] psk = new byte[32];
        String protocol = "Noise_IKpsk2_25519_AESGCM_SHA256";
        HandshakeState client = new HandshakeState(protocol, true, new byte[0], Curve25519.generate(), null,
                hub.publicKey(), List.of(psk));
        HandshakeState server = new HandshakeState(protocol, false, new byte[0], hub, null, null, List.of(psk));
        server.readMessage(client.writeMessage(new byte[0]));
        client.readMessage(server.writeMessage(new byte[0]));
        sending = client.split().sending();
        receiving = server.split().receiving();
        int capacity = HEADROOM + size + 16;
        message = buffer.equals("direct") ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }

    /** One message sealed at one end and opened at the other: a hop's whole AEAD work. */
    @Benchmark
    public int sealAndOpen() throws NoiseException {
        ByteBuffer m = message.limit(HEADROOM + size).position(HEADROOM);
        sending.seal(m);
        receiving.open(m);
        return m.remaining();
    }
}
