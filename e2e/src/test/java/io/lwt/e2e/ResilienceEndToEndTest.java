package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hub under floods and on a broken network, all bounded in count and time and confined to the test's own
 * namespaces: others keep their sessions, transfers complete intact, and the hub's memory and threads stay bounded.
 * Faults come from nftables rules inside the namespaces (this kernel has no sch_netem).
 */
class ResilienceEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void floodsDoNotKeepAClientOutNorDisturbATransferBetweenOthers() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob", "mallory", "carol",
                "dave").startAll()) {
            Netns.Running hub = net.node("hub");
            net.node("dave").terminate(WAIT); // joins during the floods
            Usage before = Usage.of(hub.pid());
            // mallory, an outsider: 100 oversized length prefixes, 100 HELLOs with a wrong proof and 300 silent
            // connections (last: their SYN retries would take every admission token), in 15 s at most; carol, an
            // insider: UDP at line rate to an address nobody owns, for 10 s
            String hub1 = "/dev/tcp/10.99.3.1/9000";
            Netns.Running outsider = net.ns("mallory").start(List.of("timeout", "15", "bash", "-c", """
                    ulimit -n 4096
                    for i in $(seq 100); do (printf '\\xff\\xff\\xff\\xff\\x01' > %1$s) 2>/dev/null; done
                    for i in $(seq 100); do
                      (exec 3<>%1$s && head -c 38 <&3 > /dev/null && { printf '\\x00\\x00\\x00\\x48\\x11\\x01'; \
                       head -c 64 /dev/urandom; printf '\\x05alice'; } >&3 && cat <&3 > /dev/null) 2>/dev/null
                    done
                    for i in $(seq 300); do exec {fd}<>%1$s || true; done
                    sleep 15
                    """.formatted(hub1)), net.directory().resolve("outsider.log"));
            Netns.Running insider = net.ns("carol").start(List.of("timeout", "10", "sh", "-c",
                    "cat /dev/zero | nc -u 10.0.0.99 9"), net.directory().resolve("insider.log"));
            hub.awaitLine(l -> l.contains("frame length 4294967295"), WAIT, "oversized prefixes refused");
            hub.awaitLine(l -> l.contains("authentication failed for 'alice'"), WAIT, "forged HELLOs refused");

            net.assertTransfersIntact("alice", "bob", 64 << 20);
            net.start("dave");
            assertTrue(net.ping("dave", "alice").ok(), "dave joined during the floods: " + net.logs());
            Usage during = Usage.of(hub.pid());
            assertTrue(outsider.process().waitFor(60, TimeUnit.SECONDS) && insider.process().waitFor(60, TimeUnit.SECONDS),
                    "the floods end by themselves");
            Usage after = Usage.of(hub.pid());
            System.out.printf("hub under floods: RSS %d -> %d -> %d KiB, threads %d -> %d -> %d%n", before.rssKiB,
                    during.rssKiB, after.rssKiB, before.threads, during.threads, after.threads);
            assertTrue(during.rssKiB - before.rssKiB < 96 * 1024, "memory stayed bounded: " + before + " " + during);
            assertTrue(during.threads - before.threads < 32, "threads stayed bounded: " + before + " " + during);
            assertTrue(net.ping("alice", "bob").ok(), "alice and bob kept their sessions: " + net.logs());
            long junk = TunnelNetwork.counter(net.hubMetrics(), "lwt_rx_bytes_total{node=\"hub\",peer=\"carol\"}");
            System.out.printf("carol's junk received by the hub meanwhile: %d MB%n", junk >> 20);
            assertTrue(junk > 10 << 20, "carol's flood reached the hub (it goes to the hub's kernel, which drops it): " + junk);
        }
    }

    @Test
    void lossAFrozenHubAndABlackholeAreSurvivedAndDeadPeersDetectedInTime() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob").startAll()) {
            Netns hubNs = net.ns("hub");
            // 5% of the tunnel's TCP segments into and out of the hub are lost; TCP repairs it, the tunnel carries on
            nft(hubNs, "add table inet fault",
                    "add chain inet fault in { type filter hook input priority 0; }",
                    "add chain inet fault out { type filter hook output priority 0; }",
                    "add rule inet fault in tcp dport 9000 numgen random mod 100 < 5 drop",
                    "add rule inet fault out tcp sport 9000 numgen random mod 100 < 5 drop");
            net.assertTransfersIntact("alice", "bob", 16 << 20);
            nft(hubNs, "delete table inet fault");

            // a hub that vanishes without closing anything: frozen, its sockets open; clients notice within the timeout
            Netns.Running hub = net.node("hub");
            long frozen = System.nanoTime();
            signal(hub, "STOP");
            net.node("alice").awaitLine(l -> l.contains("timeout: nothing received for 3s"), WAIT, "alice notices");
            double noticed = (System.nanoTime() - frozen) / 1e9;
            signal(hub, "CONT");
            awaitPing(net, "alice", "bob");
            System.out.printf("frozen hub noticed by alice after %.1f s (timeout 3 s)%n", noticed);
            assertTrue(noticed < 3 + 2, "dead peer detected within the timeout and a tick: " + noticed);

            // a 30 s blackhole: nothing crosses the hub's links; sessions time out and come back by themselves
            nft(hubNs, "add table inet hole", "add chain inet hole in { type filter hook input priority 0; }",
                    "add chain inet hole out { type filter hook output priority 0; }",
                    "add rule inet hole in tcp dport 9000 drop", "add rule inet hole out tcp sport 9000 drop");
            net.node("alice").awaitLine(l -> l.contains("timeout: nothing received"), WAIT, "the blackhole noticed");
            Thread.sleep(30_000); // the fault lasts a fixed time by design; nothing to await
            nft(hubNs, "delete table inet hole");
            awaitPing(net, "alice", "bob");
            net.assertTransfersIntact("alice", "bob", 16 << 20);
        }
    }

    private record Usage(long rssKiB, long threads) {
        static Usage of(long pid) throws Exception {
            List<String> status = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
            return new Usage(field(status, "VmRSS:"), field(status, "Threads:"));
        }

        private static long field(List<String> status, String name) {
            return status.stream().filter(l -> l.startsWith(name)).map(l -> l.replaceAll("\\D", ""))
                    .mapToLong(Long::parseLong).findFirst().orElseThrow();
        }
    }

    private static void nft(Netns ns, String... commands) {
        for (String command : commands) {
            ns.exec("sh", "-c", "nft '" + command.replace("'", "") + "'").orThrow();
        }
    }

    private static void signal(Netns.Running process, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    }

    /** Waits until a ping between two clients gets through: the tunnel is back. */
    private static void awaitPing(TunnelNetwork net, String from, String to) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!net.ping(from, to).ok()) {
            assertTrue(System.nanoTime() < deadline, "the tunnel came back: " + net.logs());
        }
    }
}
