package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.LogCapture;
import io.lwt.testsupport.ProcessResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Churn soak: a real client node connects to one hub over loopback TCP, completes the secure handshake and
 * disconnects, {@code lwt.churn.cycles} times (1000 by default; e.g. {@code -Dlwt.churn.cycles=100000} for the long
 * manual run). Afterwards the process holds what it held before, within stated tolerances: descriptors and tunnel
 * threads exactly (awaited, since a closed client's ticker ends at its next tick), platform threads within the
 * virtual-thread scheduler's few spare carriers, heap after GC within 4 MiB, direct buffers within 1 MiB.
 */
class ChurnSoakTest {

    private static final int CYCLES = Integer.getInteger("lwt.churn.cycles", 1_000);
    private static final int WARM_UP = 50;
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A short keepalive, so a closed client's ticker thread ends within 50 ms. */
    private static final SessionSettings SESSION = new SessionSettings(Duration.ofMillis(200), Duration.ofSeconds(5), 64);
    private static final int SPARE_CARRIERS = 4;
    private static final long HEAP_TOLERANCE = 4L << 20;
    private static final long DIRECT_TOLERANCE = 1L << 20;

    @Test
    void connectHandshakeDisconnectLeavesNothingBehind() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Consumer<LogCapture.Line> warning = line -> {
            if (line.level().equals("WARNING") || line.level().equals("SEVERE")) {
                warnings.add(line.level() + " " + line.pattern() + " " + line.parameters());
            }
        };
        try (LogCapture _ = LogCapture.of(HubNode.class.getName(), warning);
                LogCapture _ = LogCapture.of(ClientNode.class.getName(), warning);
                TestHub hub = TestHub.start(1, SESSION)) {
            for (int i = 0; i < WARM_UP; i++) {
                cycle(hub); // pools, classes and compiled code reach their steady state
            }
            ProcessResources baseline = ProcessResources.measure();
            long start = System.nanoTime();
            for (int i = 0; i < CYCLES; i++) {
                cycle(hub);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            TestHub.await("tunnel threads back to " + baseline.tunnelThreads(), WAIT,
                    () -> measure().tunnelThreads() <= baseline.tunnelThreads());
            ProcessResources after = ProcessResources.measure();
            System.out.printf("churn: %d cycles in %.1f s (%.1f ms each)%n%s", CYCLES, took.toMillis() / 1000.0,
                    took.toNanos() / 1e6 / CYCLES, baseline.table(after));

            assertEquals(WARM_UP + CYCLES, hub.node.acceptedConnections(), "every cycle was one connection");
            assertEquals(List.of(), warnings, "nothing went wrong enough to log a warning");
            assertEquals(0, hub.node.sessionCount());
            assertEquals(baseline.fileDescriptors(), after.fileDescriptors(), "open file descriptors");
            // at most: the last warm-up client's threads may still have been ending when the baseline was taken
            assertTrue(after.tunnelThreads() <= baseline.tunnelThreads(), "lwt-* threads: " + after.tunnelThreads()
                    + " after, " + baseline.tunnelThreads() + " before");
            assertTrue(after.threads() <= baseline.threads() + SPARE_CARRIERS, "platform threads");
            assertTrue(after.heapBytes() <= baseline.heapBytes() + HEAP_TOLERANCE, "heap after GC");
            assertTrue(after.directBytes() <= baseline.directBytes() + DIRECT_TOLERANCE, "direct buffers");
        }
    }

    /** One client: connect, handshake, and close; returns once the hub has ended the session too. */
    private static void cycle(TestHub hub) throws Exception {
        ClientNode client = hub.client(1, SESSION);
        try {
            TestHub.await("the client to connect", WAIT, client::isConnected);
        } finally {
            client.close();
            client.awaitTermination();
        }
        TestHub.await("the hub to end the session", WAIT, () -> hub.node.sessionCount() == 0);
    }

    private static ProcessResources measure() {
        try {
            return ProcessResources.measure();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
