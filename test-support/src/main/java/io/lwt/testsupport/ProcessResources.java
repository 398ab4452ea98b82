package io.lwt.testsupport;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this JVM holds that a leak would grow, for soak tests: open file descriptors, platform threads, threads of
 * the tunnel (named {@code lwt-...}, virtual ones included), heap after a full collection, and direct buffer memory.
 *
 * @param threads platform threads, as the JVM counts them (the virtual-thread scheduler's carriers included)
 * @param tunnelThreads platform and virtual threads whose name starts with {@code lwt-}
 */
public record ProcessResources(int fileDescriptors, int threads, int tunnelThreads, long heapBytes, long directBytes) {

    private static final Pattern TUNNEL_THREAD = Pattern.compile("\"name\": \"lwt-");

    /** Collects garbage first (twice, so cleaners of unreachable direct buffers have run), then measures. */
    public static ProcessResources measure() throws IOException, InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(50); // direct memory is returned by the cleaner thread after the collection
        }
        return new ProcessResources(openFileDescriptors(), ManagementFactory.getThreadMXBean().getThreadCount(),
                liveTunnelThreads(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), directMemoryUsed());
    }

    private static int openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count() - 1; // the directory stream's own descriptor
        }
    }

    /** Counted from a thread dump, the one JDK view that lists virtual threads too. */
    private static int liveTunnelThreads() throws IOException {
        Path dir = Files.createTempDirectory("lwt-threads");
        Path dump = dir.resolve("threads.json");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Matcher m = TUNNEL_THREAD.matcher(Files.readString(dump));
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        } finally {
            Files.deleteIfExists(dump);
            Files.delete(dir);
        }
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /** A Markdown table of this baseline against {@code after}. */
    public String table(ProcessResources after) {
        return "| resource | baseline | after | change |\n|---|---|---|---|\n"
                + row("open file descriptors", fileDescriptors, after.fileDescriptors)
                + row("platform threads", threads, after.threads)
                + row("lwt-* threads (virtual included)", tunnelThreads, after.tunnelThreads)
                + row("heap after GC (KiB)", heapBytes / 1024, after.heapBytes / 1024)
                + row("direct buffers (KiB)", directBytes / 1024, after.directBytes / 1024);
    }

    private static String row(String what, long before, long after) {
        return String.format("| %s | %d | %d | %+d |%n", what, before, after, after - before);
    }
}
