package io.lwt.benchmarks;

import io.lwt.api.codec.Codec;
import io.lwt.api.codec.CodecProvider;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import io.lwt.testsupport.CodecTestKit;
import io.lwt.testsupport.TestPackets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The built-in codecs as the engine drives them, client to server (the direction websocket masks): a message in a
 * direct buffer with the codec's headroom and tailroom, encoded in place, its wire bytes copied into the other end's
 * direct receive buffer (standing in for the socket read) and decoded there. Both ends' framers come from
 * {@link CodecTestKit#open}, so websocket's HTTP upgrade has run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    /** Frames in one receive buffer for {@link #decodeBatch}: what one socket read of a busy session holds. */
    static final int BATCH = 32;
    private static final int MAX_MESSAGE = 64 * 1024;

    @Param({"length-prefix", "websocket", "padded"})
    public String codec;

    /** Message bytes: a small packet and a full one at the tunnel's usual MTU. */
    @Param({"64", "1400"})
    public int size;

    private Framer client;
    private Framer server;
    private int headroom;
    private byte[] message;
    private ByteBuffer outbound;
    private ByteBuffer inbound;
    /** {@link #BATCH} frames as the client sent them. */
    private ByteBuffer wire;
    private final CountingSink sink = new CountingSink();

    /** Takes what the engine reads of each message (the type byte) and counts. */
    static final class CountingSink implements MessageSink {
        int messages;
        int sum;

        @Override
        public void message(ByteBuffer m) {
            messages++;
            sum += m.get(m.position()) + m.remaining();
        }
    }

    @Setup
    public void setUp() throws IOException {
        Codec codec = Providers.create(CodecProvider.class, this.codec);
        CodecTestKit.Opened opened = CodecTestKit.open(codec, MAX_MESSAGE, MAX_MESSAGE, List.of());
        opened.connections().close();
        if (opened.serverInbound().position() != 0) {
            throw new IllegalStateException(this.codec + ": the upgrade left bytes in the server's receive buffer");
        }
        client = opened.client();
        server = opened.server();
        headroom = codec.headroom();
        message = TestPackets.udpOfSize("10.0.0.2", "10.0.0.3", size);
        outbound = ByteBuffer.allocateDirect(headroom + size + codec.tailroom());
        inbound = ByteBuffer.allocateDirect(CodecTestKit.receiveBuffer(codec, MAX_MESSAGE));
        wire = ByteBuffer.allocateDirect(BATCH * (headroom + size + codec.tailroom()));
        for (int i = 0; i < BATCH; i++) {
            wire.put(encode());
        }
        wire.flip();
        check();
    }

    /** The message, in place after the headroom, encoded. */
    private ByteBuffer encode() {
        ByteBuffer out = outbound.clear().position(headroom).put(message).flip().position(headroom);
        client.encode(out);
        return out;
    }

    /** Frames that do not decode to the messages would make every figure meaningless. */
    private void check() throws IOException {
        inbound.clear().put(encode()).flip();
        server.decode(inbound, m -> {
            byte[] got = new byte[m.remaining()];
            m.get(m.position(), got);
            if (!java.util.Arrays.equals(got, message)) {
                throw new IllegalStateException(codec + ": the round trip changed the message");
            }
        });
        sink.messages = 0;
        decodeBatch();
        if (sink.messages != BATCH || inbound.hasRemaining()) {
            throw new IllegalStateException(codec + ": decoded " + sink.messages + " of " + BATCH + " frames");
        }
    }

    /** One message: encode in place, copy the wire bytes to the receive buffer, decode. */
    @Benchmark
    public int roundTrip() throws IOException {
        inbound.clear().put(encode()).flip();
        server.decode(inbound, sink);
        return sink.sum;
    }

    /** {@link #BATCH} frames arriving in one read: copied into the receive buffer and decoded; per frame. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int decodeBatch() throws IOException {
        inbound.clear().put(wire.rewind()).flip();
        server.decode(inbound, sink);
        return sink.sum;
    }
}
