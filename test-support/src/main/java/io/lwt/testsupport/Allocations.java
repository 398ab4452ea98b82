package io.lwt.testsupport;

import java.lang.management.ManagementFactory;

/** Heap bytes allocated by the current thread, as the JVM counts them (TLAB-exact on HotSpot). */
public final class Allocations {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {}

    /** Work whose allocation is measured. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /** Bytes the current thread has allocated so far. */
    public static long current() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Bytes allocated on this thread while {@code work} ran. */
    public static long of(Work work) throws Exception {
        long before = current();
        work.run();
        return current() - before;
    }
}
