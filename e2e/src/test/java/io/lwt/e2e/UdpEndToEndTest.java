package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transport {@code udp} between real nodes in namespaces: transfers through the hub with and without offloads, one
 * hub serving udp and tcp clients at once, a client falling back to tcp where UDP is blocked (and returning), a
 * client behind a NAT that keeps its mapping through idle periods, and a client whose address changes mid-transfer.
 */
class UdpEndToEndTest {

    private static final int TRANSFER_BYTES = 16 << 20;
    private static final String HUB = "transport: [tcp, udp]\n";

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void clientsPingAndTransferThroughTheHubOverUdp() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(HUB, "transport: udp\n");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob").startAll()) {
            assertOverUdp(net, "alice", "bob");
        }
    }

    /** Without TUN offloads (no super-segments to cut) and without UDP's segmentation and receive offloads. */
    @Test
    void clientsTransferOverUdpWithoutAnyOffload() throws Exception {
        String plain = "tun: {linux: {offload: false}}\n";
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(
                plain + "transport: [tcp, {udp: {offload: false}}]\n", plain + "transport: {udp: {offload: false}}\n");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob").startAll()) {
            assertOverUdp(net, "alice", "bob");
        }
    }

    private static void assertOverUdp(TunnelNetwork net, String a, String b) throws Exception {
        for (String client : new String[] {a, b}) {
            assertTrue(net.node(client).log().contains("connected to /10.99.") && net.node(client).log().contains(" over udp,"),
                    net.node(client).log());
        }
        net.announceClients();
        assertTrue(net.ping(a, b).ok(), net.logs());
        net.assertTransfersIntact(a, b, TRANSFER_BYTES);
        net.assertTransfersIntact(b, a, TRANSFER_BYTES);
        assertEquals(1, tunnelUps(net, a), "one session all along\n" + net.logs());
        assertEquals(1, tunnelUps(net, b), "one session all along\n" + net.logs());
    }

    @Test
    void oneHubServesAUdpClientAndATcpClientAtOnce() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(HUB, "transport: udp\n");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob")) {
            net.editTopology(yaml -> yaml.replaceFirst("(  bob:\n(    .*\n)*?)    transport: udp\n", "$1    transport: tcp\n"));
            net.startAll();
            assertTrue(net.node("alice").log().contains(" over udp,"), net.node("alice").log());
            assertTrue(net.node("bob").log().contains(" over tcp,"), net.node("bob").log());
            assertTrue(net.node("hub").log().contains("(tcp) and /0.0.0.0:9000 (udp)"), net.node("hub").log());
            net.announceClients();
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            net.assertTransfersIntact("alice", "bob", TRANSFER_BYTES);
            net.assertTransfersIntact("bob", "alice", TRANSFER_BYTES);
        }
    }

    /**
     * A firewall in front of the hub drops UDP: a client that lists udp first joins over tcp after its udp handshake
     * goes unanswered. Once UDP passes again, its next session (after a kick) is over udp.
     */
    @Test
    void aClientFallsBackToTcpWhereUdpIsBlockedAndReturnsWhenItPasses() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(HUB, "transport: [udp, tcp]\n");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice")) {
            Netns hub = net.ns("hub");
            hub.exec("nft", "add table inet firewall").orThrow();
            hub.exec("nft", "add chain inet firewall input { type filter hook input priority 0; }").orThrow();
            hub.exec("nft", "add rule inet firewall input udp dport 9000 drop").orThrow();
            net.start("hub");
            Netns.Running alice = net.start("alice");
            assertTrue(alice.log().contains("trying tcp instead") && alice.log().contains(" over tcp,"), alice.log());
            assertTrue(net.ping("alice", "hub").ok(), net.logs());

            hub.exec("nft", "delete table inet firewall").orThrow();
            TunnelNetwork.lwt("kick", "alice", "--socket", net.control("hub").toString());
            alice.awaitLine(l -> l.contains("tunnel up") && l.contains(" over udp,"), TunnelNetwork.UP,
                    "alice's next session, over udp");
            assertTrue(net.ping("alice", "hub").ok(), net.logs());
        }
    }

    /**
     * Alice is behind a NAT whose UDP mappings expire after 2 s of silence. Her keepalives (every second) hold the
     * mapping through an idle spell three times as long: bob reaches her through the hub without her speaking first,
     * on the session she started with.
     */
    @Test
    void aClientBehindANatStaysReachableThroughIdlePeriods() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(HUB, "transport: udp\n")
                .behindNat("alice");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob")) {
            Netns router = net.router("alice");
            router.exec("sysctl", "-q", "-w", "net.netfilter.nf_conntrack_udp_timeout=2",
                    "net.netfilter.nf_conntrack_udp_timeout_stream=2").orThrow();
            net.startAll();
            net.announceClients();
            String status = TunnelNetwork.lwt("status", "--socket", net.control("hub").toString());
            assertTrue(status.contains("10.99.1.254:"), "alice's session comes from the NAT's address\n" + status);

            Thread.sleep(Duration.ofSeconds(6)); // the idle spell itself: three mapping lifetimes without traffic
            assertTrue(net.ping("bob", "alice").ok(), "bob reaches alice after the idle spell\n" + net.logs());
            assertEquals(1, tunnelUps(net, "alice"), "on her first session\n" + net.logs());
            assertTrue(router.exec("nft", "list ruleset").output().contains("masquerade"), "the NAT was in the path");
        }
    }

    /**
     * Alice's address changes in the middle of a transfer from her (a new one is added, the old one removed, as when a
     * laptop moves to another network): the hub follows her once a datagram from the new address proves to be hers,
     * her session goes on, and every byte arrives.
     */
    @Test
    void aClientKeepsItsSessionWhenItsAddressChangesMidTransfer() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(HUB, "transport: udp\n");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob").startAll()) {
            Netns alice = net.ns("alice");
            alice.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.promote_secondaries=1").orThrow();
            alice.exec("ip", "addr", "add", "10.99.1.3/24", "dev", "veth0").orThrow();
            net.announceClients();
            net.assertTransfersIntact("alice", "bob", 4 * TRANSFER_BYTES,
                    () -> alice.exec("ip", "addr", "del", "10.99.1.2/24", "dev", "veth0").orThrow());
            String moved = net.node("hub").awaitLine(l -> l.contains("udp: the peer moved from /10.99.1.2:"),
                    TunnelNetwork.UP, "the hub following alice");
            assertTrue(moved.contains(" to /10.99.1.3:"), moved);
            assertEquals(1, tunnelUps(net, "alice"), "one session all along\n" + net.logs());
            assertTrue(TunnelNetwork.lwt("status", "--socket", net.control("hub").toString()).contains("10.99.1.3:"),
                    "lwt status shows where alice is now");
        }
    }

    private static long tunnelUps(TunnelNetwork net, String node) {
        return net.node(node).log().lines().filter(l -> l.contains("tunnel up")).count();
    }
}
