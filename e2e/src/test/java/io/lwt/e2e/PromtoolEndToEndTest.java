package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' own {@code promtool} (Debian package {@code prometheus}) on what a live hub serves at /metrics, and on
 * the queries of the Grafana dashboard in docs/grafana. Missing promtool skips these tests, or fails them when
 * end-to-end tests are required.
 */
class PromtoolEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path DASHBOARD = Path.of("../docs/grafana/lwt-dashboard.json");

    private Path promtool;

    @BeforeEach
    void rootAndPromtool() {
        E2e.requireRoot();
        promtool = E2e.requireTool("promtool", "prometheus");
    }

    /** Sessions with a round-trip time, sealed ones, and a refused handshake: every family has samples. */
    @Test
    void promtoolAcceptsTheMetricsOfALiveHub() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults().maxClients(2), "alice", "bob",
                "carol")) {
            net.start("hub");
            net.start("alice");
            net.start("bob");
            net.startWithoutWaiting("carol");
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            String metrics = awaitMetrics(net, text -> text.contains("lwt_keepalive_rtt_seconds{node=\"hub\",peer=\"bob\"}")
                    && text.contains("lwt_drops_total{node=\"hub\",reason=\"handshake-"));
            for (String family : List.of("lwt_sessions{", "lwt_rx_bytes_total{", "lwt_send_queue_packets{",
                    "lwt_handshake_age_seconds{", "lwt_rekeys_total{", "lwt_reconnects_total{")) {
                assertTrue(metrics.contains("\n" + family), family + " has samples:\n" + metrics);
            }
            Result check = promtool(metrics, "check", "metrics");
            assertEquals(new Result(0, ""), check, "promtool check metrics on\n" + metrics);
        }
    }

    /** The dashboard's queries, with Grafana's variables filled in, parse as PromQL (as recording rules). */
    @Test
    void promtoolParsesEveryQueryOfTheDashboard() throws Exception {
        Matcher expr = Pattern.compile("\"expr\": (\"(?:\\\\.|[^\"\\\\])*\")").matcher(Files.readString(DASHBOARD));
        StringBuilder rules = new StringBuilder("{\"groups\": [{\"name\": \"lwt-dashboard\", \"rules\": [");
        int count = 0;
        while (expr.find()) {
            String query = expr.group(1).replace("$__rate_interval", "1m").replace("$node", ".*").replace("$peer", ".*");
            rules.append(count == 0 ? "" : ", ").append("{\"record\": \"lwt:dashboard_query_").append(++count)
                    .append("\", \"expr\": ").append(query).append('}');
        }
        rules.append("]}]}\n");
        assertTrue(count >= 10, "the dashboard's queries: " + count);
        Path file = Files.createTempFile("lwt-dashboard-rules", ".json");
        try {
            Files.writeString(file, rules);
            Result check = promtool("", "check", "rules", file.toString());
            assertEquals(0, check.exit(), check.output() + "\n" + rules);
            assertTrue(check.output().contains("SUCCESS: " + count + " rules found"), check.output());
        } finally {
            Files.delete(file);
        }
    }

    private static String awaitMetrics(TunnelNetwork net, Predicate<String> ready) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String metrics = net.hubMetrics();
        while (!ready.test(metrics)) {
            assertTrue(System.nanoTime() < deadline, "metrics never had every series:\n" + metrics + net.logs());
            Thread.sleep(100);
            metrics = net.hubMetrics();
        }
        return metrics;
    }

    record Result(int exit, String output) {}

    private Result promtool(String input, String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        return new Result(process.exitValue(), output);
    }
}
