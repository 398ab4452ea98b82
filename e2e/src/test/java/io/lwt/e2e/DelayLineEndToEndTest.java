package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAN test bed's delay line (test-support's {@code DelayLine}) between two namespaces through a router
 * namespace: pings take the delay each way and the jitter shows, a transfer arrives intact, and what it forwarded
 * and dropped is reported when it stops.
 */
class DelayLineEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void packetsTakeTheDelayEachWayWithTheirJitterAndArriveIntact() throws Exception {
        try (Netns a = Netns.create("wan-a"); Netns router = Netns.create("wan-r"); Netns b = Netns.create("wan-b")) {
            Netns.link(router, "veth-a", "10.98.1.1/24", a, "eth0", "10.98.1.2/24");
            Netns.link(router, "veth-b", "10.98.2.1/24", b, "eth0", "10.98.2.2/24");
            a.exec("ip", "route", "add", "default", "via", "10.98.1.1").orThrow();
            b.exec("ip", "route", "add", "default", "via", "10.98.2.1").orThrow();
            router.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1").orThrow();
            assertTrue(rtts(a).stream().allMatch(rtt -> rtt < 10), "without the line, a clean veth path");

            Netns.Running line = router.startDelayLine("veth-a", "veth-b", Duration.ofMillis(20), Duration.ZERO,
                    dir.resolve("line.log"));
            List<Double> steady = rtts(a);
            assertTrue(steady.stream().allMatch(rtt -> rtt >= 40 && rtt < 55), "20 ms each way: " + steady);

            Path sent = dir.resolve("sent.bin");
            Path received = dir.resolve("received.bin");
            byte[] data = new byte[8 << 20];
            new Random(7).nextBytes(data);
            Files.write(sent, data);
            Netns.Running receiver = b.start(List.of("sh", "-c", "nc -l 10.98.2.2 5001 > " + received), dir.resolve("nc.log"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!b.exec("ss", "-Hltn", "sport = :5001").output().contains(":5001")) {
                assertTrue(System.nanoTime() < deadline, "nc listens");
                Thread.sleep(20);
            }
            assertEquals(0, a.exec("sh", "-c", "nc -N 10.98.2.2 5001 < " + sent).exitCode(), "sent");
            assertTrue(receiver.process().waitFor(60, TimeUnit.SECONDS), "received");
            assertEquals(-1, Files.mismatch(sent, received), "the transfer arrived intact");

            line.terminate(WAIT);
            String summary = line.log().lines().filter(l -> l.startsWith("delay line:")).findFirst().orElseThrow();
            assertTrue(summary.matches("delay line: veth-a -> veth-b forwarded [1-9][0-9]{3,}, dropped 0; "
                    + "veth-b -> veth-a forwarded [1-9][0-9]+, dropped 0; CPU [0-9]+ ms"), summary);

            router.startDelayLine("veth-a", "veth-b", Duration.ofMillis(20), Duration.ofMillis(5), dir.resolve("jitter.log"));
            List<Double> jittered = rtts(a);
            double spread = jittered.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                    - jittered.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            assertTrue(jittered.stream().allMatch(rtt -> rtt >= 30 && rtt < 65) && spread > 2,
                    "20 ± 5 ms each way: " + jittered);
        }
    }

    /** Round-trip times in ms of 20 pings 50 ms apart from {@code a} to {@code b}'s address. */
    private static List<Double> rtts(Netns a) {
        Netns.Result ping = a.exec("ping", "-n", "-c", "20", "-i", "0.05", "-w", "15", "10.98.2.2");
        List<Double> times = ping.output().lines().filter(l -> l.contains("time="))
                .map(l -> Double.parseDouble(l.replaceAll(".*time=([0-9.]+).*", "$1"))).toList();
        assertEquals(20, times.size(), ping.output());
        return times;
    }
}
