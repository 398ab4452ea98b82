package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IPv6 inside the tunnel (dual-stack tunnel addresses) and under it (IPv6-only links between the namespaces), with
 * real TUN devices, the kernel's ping -6 and TCP, through the runtime image's bin/lwt.
 */
class Ipv6EndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void clientsPing6EachOtherAndTheHubWhileIpv4Works() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), TunnelNetwork.Ip.DUAL_STACK,
                "alice", "bob").startAll()) {
            String addresses = net.ns("alice").exec("ip", "-o", "addr", "show", "dev", "lwt0").orThrow().output();
            assertTrue(addresses.contains("inet 10.0.0.2/24") && addresses.contains("inet6 fd00::2/64"),
                    "both from the hub's WELCOME: " + addresses);
            assertTrue(net.ping6("alice", "bob").ok(), net.logs());
            assertTrue(net.ping6("bob", "alice").ok(), net.logs());
            assertTrue(net.ping6("hub", "alice").ok(), net.logs());
            assertTrue(net.ping6("bob", "hub").ok(), net.logs());
            assertTrue(net.ping("alice", "bob").ok(), "IPv4 beside it: " + net.logs());
            Netns.Result full = net.ping6("alice", "bob", "-M", "do", "-s", Integer.toString(1400 - 40 - 8));
            assertTrue(full.ok() && full.output().contains((1400 - 40) + " bytes from"), "a full-size IPv6 packet: "
                    + full.output());
            assertTrue(status(net, "hub").contains("\"address\":\"10.0.0.2 fd00::2\""), status(net, "hub"));
            String table = TunnelNetwork.lwt("status", "--socket", net.control("hub").toString());
            String header = table.lines().filter(l -> l.startsWith("IDENTITY")).findFirst().orElseThrow();
            String alice = table.lines().filter(l -> l.startsWith("alice ")).findFirst().orElseThrow();
            assertTrue(alice.contains(" 10.0.0.2 fd00::2 ") && alice.indexOf("/10.99.1.2") == header.indexOf("REMOTE"),
                    "the address column fits both addresses:\n" + table);
        }
    }

    @Test
    void linkLocalAndMulticastPacketsAreCountedNotForwardedNorLogged() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), TunnelNetwork.Ip.DUAL_STACK,
                "alice", "bob").startAll()) {
            // every new TUN device's kernel sends MLD reports and router solicitations (to ff02::): dropped where read
            for (String node : new String[] {"alice", "hub"}) { // and one more on purpose, which no one answers
                net.ns(node).exec("ping", "-6", "-c", "1", "-W", "1", "ff02::1%lwt0");
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (drops(status(net, "alice"), "ipv6-multicast") == 0 || drops(status(net, "hub"), "ipv6-multicast") == 0) {
                assertTrue(System.nanoTime() < deadline, status(net, "alice") + status(net, "hub"));
                Thread.sleep(100);
            }
            assertTrue(net.ping6("alice", "bob").ok(), net.logs());
            assertFalse(net.logs().contains("ipv6-multicast") || net.logs().contains("ipv6-link-local"),
                    "not logged per packet: " + net.logs());
        }
    }

    @Test
    void aTcpTransferOverIpv6InsideTheTunnelArrivesIntact() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), TunnelNetwork.Ip.DUAL_STACK,
                "alice", "bob").startAll()) {
            long start = System.nanoTime();
            net.assertTransfersIntactOverIpv6("alice", "bob", 64 << 20);
            System.out.printf("64 MiB over IPv6 client to client in %d ms%n",
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
        }
    }

    @Test
    void theSameOverAnIpv6OnlyUnderlay() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(),
                TunnelNetwork.Ip.DUAL_STACK_OVER_IPV6, "alice", "bob").startAll()) {
            assertEquals("", net.ns("alice").exec("ip", "-4", "-o", "addr", "show", "dev", "veth0").orThrow().output(),
                    "no IPv4 under the tunnel");
            assertTrue(net.node("hub").log().contains("[fd99:1:0:0:0:0:0:2]"), "alice came over IPv6: " + net.node("hub").log());
            assertTrue(net.ping6("alice", "bob").ok(), net.logs());
            assertTrue(net.ping("alice", "bob").ok(), "IPv4 inside, IPv6 under: " + net.logs());
            net.assertTransfersIntactOverIpv6("alice", "bob", 16 << 20);
            net.assertTransfersIntact("bob", "alice", 16 << 20);
        }
    }

    @Test
    void aSpoofedIpv6SourceIsDropped() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), TunnelNetwork.Ip.DUAL_STACK,
                "alice", "bob").startAll()) {
            assertTrue(net.ping6("alice", "bob").ok(), net.logs());
            net.ns("alice").exec("ip", "addr", "add", "fd00::50/64", "dev", "lwt0", "nodad").orThrow();
            assertFalse(net.ping6("alice", "bob", "-I", "fd00::50").ok(), "a forged source must not get through");
            net.node("hub").awaitLine(l -> l.contains("dropped packet (spoofed-source)") && l.contains("fd00::50"),
                    WAIT, "the drop, logged");
            // chosen explicitly: IPv6 source selection may now prefer the newer address of the same prefix
            assertTrue(net.ping6("alice", "bob", "-I", net.address6("alice")).ok(), "her own address still works");
        }
    }

    @Test
    void anIsolatedHubBlocksIpv6ClientToClientButServesItself() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults().routing("isolated"),
                TunnelNetwork.Ip.DUAL_STACK, "alice", "bob").startAll()) {
            assertTrue(net.ping6("alice", "hub").ok(), net.logs());
            assertFalse(net.ping6("alice", "bob").ok(), "client to client must be blocked");
            assertTrue(net.ping6("hub", "bob").ok(), net.logs());
            assertTrue(drops(status(net, "hub"), "isolated") >= 1, status(net, "hub"));
        }
    }

    @Test
    void anIpv6SubnetBehindAClientIsReachableFromOthers() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().route("alice", "fd00:50::/64");
        try (TunnelNetwork net = TunnelNetwork.create(options, TunnelNetwork.Ip.DUAL_STACK, "alice", "bob").startAll()) {
            net.ns("alice").exec("ip", "addr", "add", "fd00:50::1/64", "dev", "lo", "nodad").orThrow(); // behind alice
            String routes = net.ns("bob").exec("ip", "-6", "route", "show", "dev", "lwt0").output();
            assertTrue(routes.contains("fd00:50::/64"), "the hub pushed alice's subnet to bob: " + routes);
            Netns.Result ping = net.ns("bob").exec("ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", "fd00:50::1");
            assertTrue(ping.ok(), ping.output() + net.logs());
        }
    }

    private static String status(TunnelNetwork net, String node) throws Exception {
        return TunnelNetwork.lwt("status", "--json", "--socket", net.control(node).toString());
    }

    private static long drops(String json, String reason) {
        Matcher m = Pattern.compile("\"" + reason + "\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
