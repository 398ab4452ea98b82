package io.lwt.transport.udp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The system calls the JDK's {@code DatagramChannel} does not offer, through the foreign function API: batches of
 * datagrams in one call ({@code sendmmsg}, {@code recvmmsg}) and the socket options of UDP segmentation and receive
 * offloads. Each call returns the system call's result, or {@code -errno} when it failed, so that callers branch on
 * an int and nothing is allocated per call.
 */
final class Native {

    // <sys/socket.h>, <netinet/in.h>, <netinet/udp.h>, <asm-generic/errno-base.h> (Linux, x86_64 and aarch64)
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SOL_UDP = 17;
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_TRUNC = 0x20;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int EBADF = 9;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SENDMMSG = downcall("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle RECVMMSG = downcall("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final VarHandle ERRNO = Linker.Option.captureStateLayout()
            .varHandle(PathElement.groupElement("errno"));

    private Native() {}

    /** Where a calling thread's errno is captured; each thread that calls keeps one, so calls allocate nothing. */
    static MemorySegment errnoState(Arena arena) {
        return arena.allocate(Linker.Option.captureStateLayout());
    }

    static int sendmmsg(MemorySegment state, int fd, MemorySegment messages, int count, int flags) {
        try {
            return result(state, (int) SENDMMSG.invokeExact(state, fd, messages, count, flags));
        } catch (Throwable e) {
            throw new AssertionError(e); // invokeExact declares Throwable; the call itself throws nothing
        }
    }

    static int recvmmsg(MemorySegment state, int fd, MemorySegment messages, int count, int flags) {
        try {
            return result(state, (int) RECVMMSG.invokeExact(state, fd, messages, count, flags, MemorySegment.NULL));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** Sets an int option; returns 0 or {@code -errno}. */
    static int setsockopt(int fd, int level, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = errnoState(arena);
            return result(state, (int) SETSOCKOPT.invokeExact(state, fd, level, option,
                    arena.allocateFrom(JAVA_INT, value), (int) JAVA_INT.byteSize()));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The system's text for an error number, e.g. "Network is unreachable". */
    static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static int result(MemorySegment state, int result) {
        return result >= 0 ? result : -(int) ERRNO.get(state, 0L);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }
}
