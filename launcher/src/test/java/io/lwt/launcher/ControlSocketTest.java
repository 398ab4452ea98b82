package io.lwt.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.core.NodeStatus;
import io.lwt.core.TunnelNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlSocketTest {

    @TempDir
    Path dir;

    /** A node that only reports a fixed status. */
    private static final TunnelNode NODE = new TunnelNode() {
        @Override
        public void awaitTermination() {}

        @Override
        public Optional<io.lwt.core.Failure> failure() {
            return Optional.empty();
        }

        @Override
        public NodeStatus status() {
            return new NodeStatus("hub", "hub", List.of(new NodeStatus.Peer("al\"ice", "10.0.0.2", "/10.99.1.2:4000",
                    Instant.parse("2026-11-24T20:00:00Z"), 3, 300, 4, 400, 1500.4, 20.0, 7, Duration.ofNanos(412_000),
                    new NodeStatus.Protection("AES-256-GCM", Duration.ofSeconds(95), 2))),
                    Map.of("no-route", 2L), 1);
        }

        @Override
        public void close() {}
    };

    @Test
    void answersStatusAsJsonOnAnOwnerOnlySocket() throws IOException {
        Path path = dir.resolve("hub.sock");
        try (ControlSocket ignored = ControlSocket.open(path, NODE, null)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            String json = ControlSocket.ask(path, "status");
            assertTrue(json.startsWith("{\"node\":\"hub\",\"role\":\"hub\",\"time\":\""), json);
            assertTrue(json.contains("\"peers\":[{\"identity\":\"al\\\"ice\",\"address\":\"10.0.0.2\",\"remote\":\"/10.99.1.2:4000\","
                    + "\"since\":\"2026-11-24T20:00:00Z\",\"rxPackets\":3,\"rxBytes\":300,\"txPackets\":4,\"txBytes\":400,"
                    + "\"rxRate\":1500,\"txRate\":20,\"queued\":7,\"rttMs\":0.412,\"cipher\":\"AES-256-GCM\","
                    + "\"handshakeAgeS\":95,\"rekeys\":2}],\"drops\":{\"no-route\":2},\"reconnects\":1,\"cluster\":null}"), json);
            assertEquals("error: only a hub can kick clients\n", ControlSocket.ask(path, "kick alice"));
            assertEquals("error: unknown request (status, kick NAME, reload)\n", ControlSocket.ask(path, "reboot"));
        }
        assertTrue(Files.notExists(path), "closing removes the socket file");
    }

    @Test
    void aLiveSocketIsNotTakenOverButAStaleOneIs() throws IOException {
        Path path = dir.resolve("hub.sock");
        try (ControlSocket first = ControlSocket.open(path, NODE, null)) {
            IOException taken = assertThrows(IOException.class, () -> ControlSocket.open(path, NODE, null));
            assertEquals("another running node serves it", taken.getMessage());
        }
        Files.createFile(path); // what a killed node leaves behind
        try (ControlSocket replaced = ControlSocket.open(path, NODE, null)) {
            assertTrue(ControlSocket.ask(path, "status").contains("\"node\":\"hub\""));
        }
    }

    @Test
    void metricsAreValidPrometheusText() {
        String text = MetricsEndpoint.text(NODE.status());
        assertTrue(text.contains("lwt_sessions{node=\"hub\"} 1\n"), text);
        assertTrue(text.contains("lwt_rx_bytes_total{node=\"hub\",peer=\"al\\\"ice\"} 300\n"), text);
        assertTrue(text.contains("lwt_drops_total{node=\"hub\",reason=\"no-route\"} 2\n"), text);
        assertTrue(text.contains("# TYPE lwt_send_queue_packets gauge\nlwt_send_queue_packets{node=\"hub\",peer=\"al\\\"ice\"} 7\n"), text);
        assertTrue(text.contains("lwt_reconnects_total{node=\"hub\"} 1\n"), text);
        assertTrue(text.contains("lwt_keepalive_rtt_seconds{node=\"hub\",peer=\"al\\\"ice\"} 4.12E-4\n"), text);
        assertTrue(text.contains("lwt_rekeys_total{node=\"hub\",peer=\"al\\\"ice\",cipher=\"AES-256-GCM\"} 2\n"), text);
        assertTrue(text.contains("lwt_handshake_age_seconds{node=\"hub\",peer=\"al\\\"ice\",cipher=\"AES-256-GCM\"} 95\n"),
                text);
    }

    @Test
    void eachMetricFamilyIsOneGroupAfterItsType() {
        NodeStatus.Peer alice = NODE.status().peers().getFirst();
        NodeStatus.Peer bob = new NodeStatus.Peer("bob", "10.0.0.3", "/10.99.2.2:4000", alice.since(), 1, 100, 1, 100,
                0, 0, 0, Duration.ofMillis(2), new NodeStatus.Protection("ChaCha20-Poly1305", Duration.ofSeconds(5), 0));
        String text = MetricsEndpoint.text(new NodeStatus("hub", "hub", List.of(alice, bob), Map.of(), 0));
        List<String> typed = new java.util.ArrayList<>();
        String current = null;
        for (String line : text.lines().toList()) {
            if (line.startsWith("# TYPE ")) {
                current = line.split(" ")[2];
                assertTrue(!typed.contains(current), "a second TYPE line for " + current + ":\n" + text);
                typed.add(current);
            } else if (!line.startsWith("# HELP ")) {
                assertEquals(current, line.split("[{ ]")[0], "a sample outside its family's group:\n" + text);
            }
        }
        assertTrue(text.contains("lwt_rekeys_total{node=\"hub\",peer=\"al\\\"ice\",cipher=\"AES-256-GCM\"} 2\n"
                + "lwt_rekeys_total{node=\"hub\",peer=\"bob\",cipher=\"ChaCha20-Poly1305\"} 0\n"), text);
    }

    @Test
    void ratesAreShownInBitsPerSecondWithAUnit() {
        assertEquals("0 b/s", StatusCommand.rate(0));
        assertEquals("12.0 kb/s", StatusCommand.rate(1500.0));
        assertEquals("80.0 Mb/s", StatusCommand.rate(10_000_000L));
        assertEquals("2.00 Gb/s", StatusCommand.rate(250_000_000L));
    }

    @Test
    void aClusteredHubsStatusSaysWhoIsWhere() {
        NodeStatus status = new NodeStatus("b", "hub", List.of(), Map.of(), 0, new NodeStatus.Cluster("b", false,
                Map.of("b", "10.99.2.1:9000", "a", "10.99.1.1:9000"), Map.of("carol", "a")));
        String json = ControlSocket.json(status);
        assertTrue(json.endsWith(",\"cluster\":{\"hub\":\"b\",\"registered\":false,\"members\":{\"a\":\"10.99.1.1:9000\","
                + "\"b\":\"10.99.2.1:9000\"},\"locations\":{\"carol\":\"a\"}}}\n"), json);
    }
}
