package io.lwt.launcher;

import com.sun.net.httpserver.HttpServer;
import io.lwt.core.NodeStatus;
import io.lwt.core.TunnelNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Prometheus text exposition of a node's status at {@code /metrics}, served by the JDK's own HTTP server. Off unless
 * the node sets {@code metrics:}; {@code metrics: true} listens on loopback port 9100.
 */
final class MetricsEndpoint implements AutoCloseable {

    static final InetSocketAddress DEFAULT = new InetSocketAddress("127.0.0.1", 9100);

    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    static MetricsEndpoint start(InetSocketAddress address, TunnelNode node) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/metrics", exchange -> {
            byte[] body = text(node.status()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new MetricsEndpoint(server);
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    /** The exposition: per-session counters labelled by peer, sessions, and drops by reason. */
    static String text(NodeStatus status) {
        StringBuilder b = new StringBuilder();
        b.append("# HELP lwt_sessions Sessions connected now.\n# TYPE lwt_sessions gauge\n")
                .append("lwt_sessions{node=").append(quote(status.node())).append("} ").append(status.peers().size()).append('\n');
        counter(b, "lwt_rx_packets_total", "Packets received from a peer.", status, NodeStatus.Peer::rxPackets);
        counter(b, "lwt_rx_bytes_total", "Packet bytes received from a peer.", status, NodeStatus.Peer::rxBytes);
        counter(b, "lwt_tx_packets_total", "Packets sent to a peer.", status, NodeStatus.Peer::txPackets);
        counter(b, "lwt_tx_bytes_total", "Packet bytes sent to a peer.", status, NodeStatus.Peer::txBytes);
        perPeer(b, "lwt_send_queue_packets", "gauge", "Packets waiting in a session's send queue.", status,
                NodeStatus.Peer::queued);
        b.append("# HELP lwt_keepalive_rtt_seconds Round-trip time of the last keepalive probe a peer answered.\n"
                + "# TYPE lwt_keepalive_rtt_seconds gauge\n");
        for (NodeStatus.Peer peer : status.peers()) {
            if (peer.rtt() != null) {
                b.append("lwt_keepalive_rtt_seconds{node=").append(quote(status.node())).append(",peer=")
                        .append(quote(label(peer))).append("} ").append(peer.rtt().toNanos() / 1e9).append('\n');
            }
        }
        // each family's samples in one group, as the text format requires
        sealed(b, "lwt_handshake_age_seconds", "gauge",
                "How long ago a session's handshake made its keys (sealed sessions).", status,
                protection -> protection.handshakeAge().toSeconds());
        sealed(b, "lwt_rekeys_total", "counter", "Times a sealed session replaced a direction's key.", status,
                NodeStatus.Protection::rekeys);
        b.append("# HELP lwt_reconnects_total A client's sessions after its first; a hub's sessions that replaced one "
                + "of the same client.\n# TYPE lwt_reconnects_total counter\n")
                .append("lwt_reconnects_total{node=").append(quote(status.node())).append("} ").append(status.reconnects())
                .append('\n');
        b.append("# HELP lwt_drops_total Packets dropped and handshakes refused, by reason.\n# TYPE lwt_drops_total counter\n");
        for (Map.Entry<String, Long> drop : status.drops().entrySet()) {
            b.append("lwt_drops_total{node=").append(quote(status.node())).append(",reason=").append(quote(drop.getKey()))
                    .append("} ").append(drop.getValue()).append('\n');
        }
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, NodeStatus status,
            java.util.function.ToLongFunction<NodeStatus.Peer> value) {
        perPeer(b, name, "counter", help, status, value);
    }

    private static void perPeer(StringBuilder b, String name, String type, String help, NodeStatus status,
            java.util.function.ToLongFunction<NodeStatus.Peer> value) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
                .append(type).append('\n');
        for (NodeStatus.Peer peer : status.peers()) {
            b.append(name).append("{node=").append(quote(status.node())).append(",peer=").append(quote(label(peer)))
                    .append("} ").append(value.applyAsLong(peer)).append('\n');
        }
    }

    /** A family over the sealed sessions only, labelled also by cipher. */
    private static void sealed(StringBuilder b, String name, String type, String help, NodeStatus status,
            java.util.function.ToLongFunction<NodeStatus.Protection> value) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(' ')
                .append(type).append('\n');
        for (NodeStatus.Peer peer : status.peers()) {
            if (peer.protection() != null) {
                b.append(name).append("{node=").append(quote(status.node())).append(",peer=").append(quote(label(peer)))
                        .append(",cipher=").append(quote(peer.protection().cipher())).append("} ")
                        .append(value.applyAsLong(peer.protection())).append('\n');
            }
        }
    }

    /** A session's label: the client's identity, or its remote address before (or without) a handshake. */
    private static String label(NodeStatus.Peer peer) {
        return peer.identity() != null ? peer.identity() : peer.remote();
    }

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
