package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.LogCapture;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 200 simulated clients through one hub for 5 s, each sending to the next as fast as the hub takes it
 * ({@link LoadGenerator}; {@code -Dlwt.load.sessions}, {@code lwt.load.seconds}, {@code lwt.load.bytes} and
 * {@code lwt.load.rate} change the run, e.g. 60 s for the manual profile). It prints the figures as a Markdown table
 * and asserts what must hold at any speed: every flow was routed to its peer, nothing reached the wrong client or
 * arrived out of order, and every packet sent was delivered or counted as a drop by the hub.
 */
class LoadGeneratorTest {

    @Test
    void everySessionsPacketsReachItsPeerAndNoOneElse() throws Exception {
        LoadGenerator.Settings settings = LoadGenerator.Settings.fromSystemProperties(200, Duration.ofSeconds(5));
        LoadGenerator.Report report;
        try (LogCapture _ = LogCapture.of(HubNode.class.getName(), line -> { });
                TestHub hub = TestHub.start(settings.sessions(), SessionSettings.DEFAULTS)) {
            report = LoadGenerator.run(hub, settings);
        }
        System.out.print("load:\n" + report.markdown());

        assertEquals(List.of(), report.failures());
        assertEquals(0, report.misdelivered(), "packets delivered to a client they were not addressed to");
        assertEquals(0, report.reordered(), "packets of one flow out of order");
        assertTrue(Arrays.stream(report.delivered()).allMatch(d -> d > 0), "every flow got packets through");
        long hubDrops = report.hubDrops().entrySet().stream().filter(e -> !e.getKey().startsWith("keepalive"))
                .mapToLong(e -> e.getValue()).sum(); // the hub's own keepalives are not the clients' packets
        assertEquals(report.totalSent() - report.totalDelivered(), hubDrops,
                "every packet sent was delivered or dropped and counted by the hub: " + report.hubDrops());
    }
}
