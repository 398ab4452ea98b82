package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A man in the middle in the hub's namespace: a relay between the clients and the hub (or nginx in front of it) that
 * flips one bit in the middle of alice's stream while she sends a checksummed transfer to bob. Her session must end
 * at the hub with one line, she must reconnect by herself, and not one changed byte may reach bob (the SHA-256 of
 * the transfer matches), on every transport that carries the tunnel.
 */
class TamperingEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int RELAY_PORT = 9001;
    /** Well inside the 32 MiB transfer: the flip lands in a data message, long after the handshake. */
    private static final long FLIP_AT = 4 << 20;

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void aFlippedBitOnTcpEndsOnlyThatSessionAndNothingCorruptedArrives() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob")
                .clientsConnectTo(RELAY_PORT)) {
            net.start("hub");
            tamperedTransfer(net, 9000, "a sealed message failed its authentication");
        }
    }

    @Test
    void aFlippedBitInAWebSocketThroughNginxLikewise() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys("codec: websocket\n", "codec: websocket\n");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob").clientsConnectTo(RELAY_PORT)) {
            net.start("hub");
            net.ns("hub").start(List.of("nginx", "-p", net.directory().toString(), "-e",
                    net.directory().resolve("nginx-error.log").toString(), "-c",
                    WebSocketEndToEndTest.nginxConfig(net.directory()).toString()), net.directory().resolve("nginx.out"));
            net.awaitListening("hub", WebSocketEndToEndTest.NGINX_PORT);
            tamperedTransfer(net, WebSocketEndToEndTest.NGINX_PORT, "protocol error: ");
        }
    }

    @Test
    void aFlippedBitInTlsLikewise() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(
                "transport: {tls: {certificate: auto}}", "transport: {tls: {pin: PIN}}");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob").clientsConnectTo(RELAY_PORT)) {
            String pin = TunnelNetwork.awaitPin(net.start("hub"));
            net.editTopology(yaml -> yaml.replace("PIN", pin));
            tamperedTransfer(net, 9000, "tls: ");
        }
    }

    /**
     * Starts the flipping relay to {@code upstreamPort}, then alice and bob through it, and sends a checksummed 32 MiB
     * from alice to bob; the hub must end alice's first session with a line containing {@code reason}.
     */
    private static void tamperedTransfer(TunnelNetwork net, int upstreamPort, String reason) throws Exception {
        Netns.Running relay = net.ns("hub").start(ResilienceEndToEndTest.DelayRelay.command(RELAY_PORT, "127.0.0.1",
                upstreamPort, 0, 120, FLIP_AT), net.directory().resolve("relay.log"));
        relay.awaitLine(l -> l.startsWith("relay: listening"), WAIT, "the relay listening");
        net.start("alice");
        net.start("bob");
        net.announceClients();
        net.assertTransfersIntact("alice", "bob", 32 << 20);
        relay.awaitLine(l -> l.contains("relay: flipped a bit of byte " + FLIP_AT), WAIT, "the flip");
        net.node("hub").awaitLine(l -> l.contains("[alice]") && l.contains(" closed: ") && l.contains(reason), WAIT,
                "alice's tampered session ending at the hub");
        net.node("alice").awaitLines(l -> l.contains("tunnel up"), 2, WAIT, "alice back by herself");
        assertEquals(1, net.node("bob").log().lines().filter(l -> l.contains("tunnel up")).count(),
                "bob's session, which nobody touched, goes on: " + net.logs());
        assertTrue(net.ping("alice", "bob").ok(), net.logs());
    }
}
