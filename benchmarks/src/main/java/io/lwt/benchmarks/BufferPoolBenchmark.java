package io.lwt.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The engine's pools of direct buffers, {@code io.lwt.core.BufferPool} and {@code PacketBuffers} (the pool with a
 * packet's headroom and the codec's tailroom). Both are package-private and stay so: they are reached through a
 * private lookup, which needs {@code --add-opens io.lwt.core/io.lwt.core=io.lwt.benchmarks} on the command line
 * (bench/jmh.sh passes it, and the forks inherit it). The method handles are constants, so the JIT inlines the calls.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BufferPoolBenchmark {

    /** What TunReader fills per read: Session.BATCH. */
    static final int BATCH = 64;
    private static final int MTU = 1400;
    private static final int CODEC_TAILROOM = 131; // websocket's: a pong after a message

    private static final MethodHandle NEW_POOL;
    private static final MethodHandle POOL_ACQUIRE;
    private static final MethodHandle POOL_RELEASE;
    private static final MethodHandle NEW_PACKETS;
    private static final MethodHandle PACKETS_ACQUIRE;
    private static final MethodHandle PACKETS_RELEASE;

    static {
        try {
            Class<?> pool = Class.forName("io.lwt.core.BufferPool");
            Class<?> packets = Class.forName("io.lwt.core.PacketBuffers");
            MethodHandles.Lookup core = MethodHandles.privateLookupIn(pool, MethodHandles.lookup());
            MethodType acquire = MethodType.methodType(ByteBuffer.class, Object.class);
            MethodType release = MethodType.methodType(void.class, Object.class, ByteBuffer.class);
            NEW_POOL = core.findConstructor(pool, MethodType.methodType(void.class, int.class, int.class))
                    .asType(MethodType.methodType(Object.class, int.class, int.class));
            POOL_ACQUIRE = core.findVirtual(pool, "acquire", MethodType.methodType(ByteBuffer.class)).asType(acquire);
            POOL_RELEASE = core.findVirtual(pool, "release", MethodType.methodType(void.class, ByteBuffer.class))
                    .asType(release);
            NEW_PACKETS = core.findConstructor(packets, MethodType.methodType(void.class, int.class, int.class))
                    .asType(MethodType.methodType(Object.class, int.class, int.class));
            PACKETS_ACQUIRE = core.findVirtual(packets, "acquire", MethodType.methodType(ByteBuffer.class))
                    .asType(acquire);
            PACKETS_RELEASE = core.findVirtual(packets, "release",
                    MethodType.methodType(void.class, ByteBuffer.class)).asType(release);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("run with --add-opens io.lwt.core/io.lwt.core=io.lwt.benchmarks"
                    + " (bench/jmh.sh does): " + e.getMessage(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("io.lwt.core's buffer pools changed: " + e, e);
        }
    }

    /** One thread's pools, sized as a node makes them for MTU 1400. */
    @State(Scope.Thread)
    public static class Pools {
        Object pool;
        Object packets;
        final ByteBuffer[] batch = new ByteBuffer[BATCH];

        @Setup
        public void setUp() throws Throwable {
            pool = (Object) NEW_POOL.invokeExact(64 + MTU + CODEC_TAILROOM, 1024);
            packets = (Object) NEW_PACKETS.invokeExact(MTU, CODEC_TAILROOM);
        }
    }

    /** One pool that two threads take from and give back to at once, as a TUN reader and session writers do. */
    @State(Scope.Benchmark)
    public static class SharedPool {
        Object packets;

        @Setup
        public void setUp() throws Throwable {
            packets = (Object) NEW_PACKETS.invokeExact(MTU, CODEC_TAILROOM);
        }
    }

    @Benchmark
    public ByteBuffer poolAcquireRelease(Pools pools) throws Throwable {
        ByteBuffer buffer = (ByteBuffer) POOL_ACQUIRE.invokeExact(pools.pool);
        POOL_RELEASE.invokeExact(pools.pool, buffer);
        return buffer;
    }

    /** PacketBuffers adds the positioning for a packet (headroom, tailroom) and the choice of pool on release. */
    @Benchmark
    public ByteBuffer packetsAcquireRelease(Pools pools) throws Throwable {
        ByteBuffer buffer = (ByteBuffer) PACKETS_ACQUIRE.invokeExact(pools.packets);
        PACKETS_RELEASE.invokeExact(pools.packets, buffer);
        return buffer;
    }

    /** A TUN reader's batch: {@link #BATCH} buffers taken, then all given back; per buffer. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public ByteBuffer packetsBatch(Pools pools) throws Throwable {
        ByteBuffer[] batch = pools.batch;
        for (int i = 0; i < BATCH; i++) {
            batch[i] = (ByteBuffer) PACKETS_ACQUIRE.invokeExact(pools.packets);
        }
        for (int i = 0; i < BATCH; i++) {
            PACKETS_RELEASE.invokeExact(pools.packets, batch[i]);
        }
        return batch[BATCH - 1];
    }

    /** Two threads on one pool (this machine has two cores): the queue's contention. */
    @Benchmark
    @Threads(2)
    public ByteBuffer sharedAcquireRelease(SharedPool shared) throws Throwable {
        ByteBuffer buffer = (ByteBuffer) PACKETS_ACQUIRE.invokeExact(shared.packets);
        PACKETS_RELEASE.invokeExact(shared.packets, buffer);
        return buffer;
    }
}
