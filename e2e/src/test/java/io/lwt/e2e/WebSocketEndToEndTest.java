package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The disguise codecs between real nodes: {@code websocket} through Debian's nginx as a reverse proxy in front of the
 * hub (in the hub's namespace) and inside the {@code tls} transport (wss), and {@code padded} directly.
 */
class WebSocketEndToEndTest {

    static final int NGINX_PORT = 8080;
    private static final int TRANSFER_BYTES = 16 << 20;

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void clientsTunnelThroughNginxAndPlainRequestsGetAnErrorPage() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys("""
                codec: {websocket: {path: /tunnel, status: 404}}
                """, """
                codec: {websocket: {path: /tunnel, headers: {User-Agent: lwt-e2e/%s}}}
                """);
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob").clientsConnectTo(NGINX_PORT)) {
            net.start("hub");
            Path config = nginxConfig(net.directory());
            Netns.Running nginx = net.ns("hub").start(List.of("nginx", "-p", net.directory().toString(), "-e",
                    net.directory().resolve("nginx-error.log").toString(), "-c", config.toString()),
                    net.directory().resolve("nginx.out"));
            net.awaitListening("hub", NGINX_PORT);
            clientsCarryTraffic(net);
            net.node("hub").awaitLines(l -> l.contains("(/127.0.0.1:") && l.contains("authenticated"), 2,
                    TunnelNetwork.UP, "both clients' sessions from nginx on 127.0.0.1\n" + nginx.log());

            assertEquals("404", curl(net, "http://10.99.1.1:9000/"), "a plain GET at the hub's own port");
            net.node("hub").awaitLine(l -> l.contains("protocol error: not a WebSocket upgrade: path / is not /tunnel"),
                    TunnelNetwork.UP, "the hub's reason for the plain GET");
            assertEquals("404", curl(net, "http://10.99.1.1:" + NGINX_PORT + "/tunnel"),
                    "a GET without Upgrade through nginx");
            net.node("hub").awaitLine(l -> l.contains("protocol error: not a WebSocket upgrade: no Upgrade: websocket"),
                    TunnelNetwork.UP, "the hub's reason for the GET through nginx");
            assertTrue(net.ping("alice", "bob").ok(), "the tunnel is unaffected\n" + net.logs());
        }
    }

    /**
     * wss: the websocket codec inside the tls transport, clients pinning the hub's auto certificate and dialing it
     * directly. An HTTPS GET that is no upgrade gets the configured error page through TLS.
     */
    @Test
    void clientsTunnelWebSocketInsideTlsAndHttpsRequestsGetAnErrorPage() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys("""
                transport: {tls: {certificate: auto}}
                codec: {websocket: {path: /tunnel, status: 404}}
                """, """
                transport: {tls: {pin: PIN}}
                codec: {websocket: {path: /tunnel, headers: {User-Agent: lwt-e2e/%s}}}
                """);
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob")) {
            Netns.Running hub = net.start("hub");
            String pin = TunnelNetwork.awaitPin(hub);
            net.editTopology(yaml -> yaml.replace("PIN", pin));
            clientsCarryTraffic(net);

            // curl neither knows nor checks the pin (-k); the status can only come from the hub's HTTP inside TLS
            assertEquals("404 HTTPS", curl(net, "-k", "-w", "%{http_code} %{scheme}", "https://10.99.1.1:9000/"),
                    "a plain HTTPS GET at the hub's port");
            hub.awaitLine(l -> l.contains("protocol error: not a WebSocket upgrade: path / is not /tunnel"),
                    TunnelNetwork.UP, "the hub's reason for the HTTPS GET");
            assertFalse(hub.log().contains("\tat "), "no stack trace on the hub: " + hub.log());
            assertTrue(net.ping("alice", "bob").ok(), "the tunnel is unaffected\n" + net.logs());
        }
    }

    @Test
    void clientsTunnelWithPaddedFrames() throws Exception {
        String padded = "codec: {padded: {buckets: [128, 512, 1024, 1500]}}\n";
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(padded, padded);
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob").startAll()) {
            net.announceClients();
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            net.assertTransfersIntact("alice", "bob", TRANSFER_BYTES);
        }
    }

    /** A curl GET from alice's namespace; the HTTP status, or the failure (a hang ends at --max-time). */
    private static String curl(TunnelNetwork net, String url) {
        return curl(net, "-w", "%{http_code}", url);
    }

    /** The same with curl's own arguments (the last one the URL); what {@code -w} writes, or the failure. */
    private static String curl(TunnelNetwork net, String... arguments) {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "--max-time", "10"));
        command.addAll(List.of(arguments));
        Netns.Result result = net.ns("alice").exec(command.toArray(String[]::new));
        return result.exitCode() == 0 ? result.output().strip() : "curl exit " + result.exitCode() + ": " + result.output();
    }

    /**
     * nginx as a WebSocket reverse proxy to the hub, one process (no master to outlive a kill by PID), every path it
     * writes in the test's directory.
     */
    static Path nginxConfig(Path dir) throws Exception {
        Path config = dir.resolve("nginx.conf");
        Files.writeString(config, """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log %1$s/nginx-error.log info;
                events { worker_connections 64; }
                http {
                    access_log %1$s/nginx-access.log combined;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen %2$d;
                        location / {
                            proxy_pass http://127.0.0.1:9000;
                            proxy_http_version 1.1;
                            proxy_set_header Upgrade $http_upgrade;
                            proxy_set_header Connection "upgrade";
                            proxy_read_timeout 1h;
                        }
                    }
                }
                """.formatted(dir, NGINX_PORT));
        return config;
    }

    /** Starts both clients, then pings both ways and checks a transfer between them arrives intact. */
    private static void clientsCarryTraffic(TunnelNetwork net) throws Exception {
        net.start("alice");
        net.start("bob");
        net.announceClients();
        assertTrue(net.ping("alice", "bob").ok(), net.logs());
        assertTrue(net.ping("bob", "alice").ok(), net.logs());
        net.assertTransfersIntact("alice", "bob", TRANSFER_BYTES);
    }
}
