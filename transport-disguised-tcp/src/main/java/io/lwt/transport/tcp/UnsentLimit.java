package io.lwt.transport.tcp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.channels.SocketChannel;
import sun.nio.ch.SelChImpl;

/**
 * TCP_NOTSENT_LOWAT: how many bytes a socket holds that it has not sent yet before it stops taking more. The kernel
 * would otherwise take up to its autotuned send buffer (4 MiB here), where a small packet written behind a bulk flow
 * waits for all of it; with the limit, what waits stays in the session's queue, where small packets of other flows
 * pass (see the engine's SendQueue). What is in flight is not limited, so long paths keep their throughput.
 *
 * <p>The JDK has no such option, so it is set with setsockopt(2) through the foreign function API on the channel's
 * file descriptor, which only the JDK's internal {@code sun.nio.ch} gives: the runtime image exports it to this
 * module. Without that export the limit is simply not set ({@link #AVAILABLE}).
 */
final class UnsentLimit {

    /**
     * The default, as Cloudflare and Apple use: measured here (docs/benchmarks.md) it took 0.3-0.6 ms off the loaded
     * ping through the hub against the system's, at the same throughput; 128 KiB took half as much.
     */
    static final int DEFAULT = 16 << 10;
    /** Whether this module may read a channel's file descriptor. */
    static final boolean AVAILABLE = Object.class.getModule().isExported("sun.nio.ch", UnsentLimit.class.getModule());

    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NOTSENT_LOWAT = 25;

    private UnsentLimit() {
    }

    /** Sets the limit on a connected or unconnected channel; does nothing when it is not {@link #AVAILABLE}. */
    static void set(SocketChannel channel, int bytes) throws IOException {
        if (!AVAILABLE) {
            return;
        }
        int fd = ((SelChImpl) channel).getFDVal();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int result = (int) Native.SETSOCKOPT.invokeExact(state, fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT,
                    arena.allocateFrom(JAVA_INT, bytes), (int) JAVA_INT.byteSize());
            if (result != 0) {
                throw new IOException("cannot set TCP_NOTSENT_LOWAT: errno " + (int) Native.ERRNO.get(state, 0L));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AssertionError(e); // invokeExact declares Throwable; setsockopt throws nothing
        }
    }

    /** The downcall, made only when first used: linking is a restricted operation, allowed in the runtime image. */
    private static final class Native {
        static final MethodHandle SETSOCKOPT;
        static final VarHandle ERRNO = Linker.Option.captureStateLayout().varHandle(PathElement.groupElement("errno"));

        static {
            Linker linker = Linker.nativeLinker();
            SETSOCKOPT = linker.downcallHandle(linker.defaultLookup().find("setsockopt").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
                    Linker.Option.captureCallState("errno"));
        }
    }
}
