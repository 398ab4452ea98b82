package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hub under floods and on a broken network, all bounded in count and time and confined to the test's own
 * namespaces: others keep their sessions, transfers complete intact, and the hub's memory and threads stay bounded.
 * Faults come from nftables rules inside the namespaces, delay from a relay there (this kernel has no sch_netem).
 */
class ResilienceEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int RELAY_PORT = 9001;

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void floodsDoNotKeepAClientOutNorDisturbATransferBetweenOthers() throws Exception {
        // the hub logs at debug level: lines about one stranger beyond one a second go there, and the test awaits them
        TunnelNetwork.Options debug = TunnelNetwork.Options.defaults().nodeKeys("log-level: debug", "");
        try (TunnelNetwork net = TunnelNetwork.create(debug, "alice", "bob", "mallory", "carol", "dave").startAll()) {
            Netns.Running hub = net.node("hub");
            net.node("dave").terminate(WAIT); // joins during the floods
            Usage before = Usage.of(hub.pid());
            // mallory, an outsider: 100 oversized length prefixes, 100 forged initiations (random bytes, no valid mac1) and 300 silent
            // connections (last: their SYN retries would take every admission token), in 15 s at most; carol, an
            // insider: UDP at line rate to an address nobody owns, for 10 s
            String hub1 = "/dev/tcp/10.99.3.1/9000";
            Netns.Running outsider = net.ns("mallory").start(List.of("timeout", "15", "bash", "-c", """
                    ulimit -n 4096
                    for i in $(seq 100); do (printf '\\xff\\xff\\xff\\xff\\x01' > %1$s) 2>/dev/null; done
                    for i in $(seq 100); do
                      (exec 3<>%1$s && { printf '\\x00\\x00\\x00\\x80\\x20\\x02'; head -c 126 /dev/urandom; } >&3 \
                       && cat <&3 > /dev/null) 2>/dev/null
                    done
                    for i in $(seq 300); do exec {fd}<>%1$s || true; done
                    sleep 15
                    """.formatted(hub1)), net.directory().resolve("outsider.log"));
            Netns.Running insider = net.ns("carol").start(List.of("timeout", "10", "sh", "-c",
                    "cat /dev/zero | nc -u 10.0.0.99 9"), net.directory().resolve("insider.log"));
            hub.awaitLine(l -> l.contains("frame length 4294967295"), WAIT, "oversized prefixes refused");
            // counted rather than logged: lines about one stranger are limited to one a second
            long deadline = System.nanoTime() + WAIT.toNanos();
            String failed = "lwt_drops_total{node=\"hub\",reason=\"handshake-failed\"} ";
            while (net.hubMetrics().lines().noneMatch(l -> l.startsWith(failed) && !l.equals(failed + "0"))) {
                assertTrue(System.nanoTime() < deadline, "forged initiations refused unanswered: " + hub.log());
                Thread.sleep(100);
            }

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

    @Test
    void aDelayedPathRaisesTheRoundTripAndTheTunnelCarriesOnWithoutReconnecting() throws Exception {
        int delayMs = 50;
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice", "bob")
                .clientsConnectTo(RELAY_PORT)) {
            net.start("hub");
            Netns.Running relay = net.ns("hub").start(DelayRelay.command(RELAY_PORT, "127.0.0.1", 9000, delayMs, 90),
                    net.directory().resolve("relay.log"));
            relay.awaitLine(l -> l.startsWith("relay: listening"), WAIT, "the relay listening");
            net.start("alice");
            net.start("bob");
            net.announceClients();

            Rtt underlay = Rtt.of(net.ns("alice").exec("ping", "-c", "5", "-i", "0.2", "-W", "2", "10.99.1.1"));
            Rtt toHub = Rtt.of(net.ping("alice", "hub", "-c", "10"));
            Rtt toBob = Rtt.of(net.ping("alice", "bob", "-c", "10"));
            long started = System.nanoTime();
            net.assertTransfersIntact("alice", "bob", 16 << 20);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("delay %d ms each way at the relay: link RTT %s; tunnel RTT alice-hub %s, alice-bob %s;"
                    + " 16 MiB alice->bob in %.1f s%n", delayMs, underlay, toHub, toBob, seconds);

            // each crossing of the relay adds the delay: alice-hub crosses it twice, alice-bob four times
            assertTrue(toHub.min >= 2 * delayMs - 10 && toHub.avg < 2 * delayMs + 150, "alice-hub: " + toHub);
            assertTrue(toBob.min >= 4 * delayMs - 10 && toBob.avg < 4 * delayMs + 150, "alice-bob: " + toBob);
            // the sessions stayed up: one each, from the relay, never replaced or timed out
            Netns.Running hub = net.node("hub");
            assertEquals(2, hub.log().lines().filter(l -> l.contains("(/127.0.0.1:") && l.contains("authenticated"))
                    .count(), "both sessions through the relay, once each: " + net.logs());
            assertEquals(0, TunnelNetwork.counter(net.hubMetrics(), "lwt_reconnects_total{node=\"hub\"}"));
            for (String client : List.of("alice", "bob")) {
                String log = net.node(client).log();
                assertEquals(1, log.lines().filter(l -> l.contains("tunnel up")).count(), log);
                assertFalse(log.contains("nothing received") || log.contains("reconnecting")
                        || log.contains(" closed: "), log);
            }
            assertTrue(relay.process().isAlive(), relay.log());
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

    /** {@code rtt min/avg/max/mdev = 100.1/100.5/101.2/0.3 ms} of a finished ping, in milliseconds. */
    private record Rtt(double min, double avg, double max) {
        static Rtt of(Netns.Result ping) {
            Matcher m = Pattern.compile("= ([\\d.]+)/([\\d.]+)/([\\d.]+)/").matcher(ping.orThrow().output());
            assertTrue(m.find(), ping.output());
            return new Rtt(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                    Double.parseDouble(m.group(3)));
        }

        @Override
        public String toString() {
            return "min/avg/max %.2f/%.2f/%.2f ms".formatted(min, avg, max);
        }
    }

    /**
     * A TCP relay that holds every chunk it reads for a fixed delay before writing it on, each direction on its own and
     * in order, so a stream keeps its bytes and gains the delay (this kernel has no sch_netem). Asked to, it is also a
     * man in the middle: it flips one bit of the byte at a given offset of the first connection's upstream. It runs as
     * its own JVM (java.base only) inside a test's namespace, exits by itself after its lifetime, and prints one line per
     * connection and per flip. At most 1024 chunks wait per direction; a full queue stops reading, so TCP pushes back.
     */
    static final class DelayRelay {
        private static final byte[] END = new byte[0];

        private record Chunk(long due, byte[] bytes) {}

        /** The command that runs the relay: listen on {@code port}, relay to {@code host:hostPort}. */
        static List<String> command(int port, String host, int hostPort, int delayMs, int lifetimeSeconds)
                throws Exception {
            return command(port, host, hostPort, delayMs, lifetimeSeconds, -1);
        }

        /** The same, flipping a bit at byte {@code flipAt} of the first connection's upstream (none when negative). */
        static List<String> command(int port, String host, int hostPort, int delayMs, int lifetimeSeconds, long flipAt)
                throws Exception {
            Path classes = Path.of(DelayRelay.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                    "-XX:+UseSerialGC", "-cp", classes.toString(), DelayRelay.class.getName(), Integer.toString(port),
                    host, Integer.toString(hostPort), Integer.toString(delayMs), Integer.toString(lifetimeSeconds),
                    Long.toString(flipAt));
        }

        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            InetSocketAddress upstream = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
            long delayNanos = Duration.ofMillis(Long.parseLong(args[3])).toNanos();
            Duration lifetime = Duration.ofSeconds(Long.parseLong(args[4]));
            long flipAt = Long.parseLong(args[5]);
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(lifetime);
                } catch (InterruptedException ignored) {
                    // exit all the same
                }
                System.out.println("relay: lifetime of " + lifetime + " over");
                System.exit(0);
            });
            try (ServerSocket server = new ServerSocket(port)) {
                System.out.println("relay: listening on " + port + ", " + args[3] + " ms each way to " + upstream);
                while (true) {
                    Socket down = server.accept();
                    Socket up = new Socket();
                    try {
                        up.connect(upstream, 5_000);
                    } catch (IOException e) {
                        System.out.println("relay: " + upstream + ": " + e);
                        down.close();
                        continue;
                    }
                    down.setTcpNoDelay(true);
                    up.setTcpNoDelay(true);
                    System.out.println("relay: " + down.getRemoteSocketAddress() + " -> " + upstream);
                    AtomicInteger open = new AtomicInteger(2);
                    pump(down, up, delayNanos, open, flipAt);
                    pump(up, down, delayNanos, open, -1);
                    flipAt = -1; // the first connection only: the reconnected session goes through intact
                }
            }
        }

        /**
         * Relays one direction: a reader stamps each chunk with its due time (flipping a bit of byte {@code flipAt} of
         * the stream, if not negative), a writer sends it when due.
         */
        private static void pump(Socket from, Socket to, long delayNanos, AtomicInteger open, long flipAt) {
            BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(1024);
            Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[1 << 16];
                long passed = 0;
                try {
                    InputStream in = from.getInputStream();
                    for (int n; (n = in.read(buffer)) > 0; passed += n) {
                        if (flipAt >= passed && flipAt < passed + n) {
                            buffer[(int) (flipAt - passed)] ^= 0x10;
                            System.out.println("relay: flipped a bit of byte " + flipAt + " towards " + to.getRemoteSocketAddress());
                        }
                        queue.put(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, n)));
                    }
                } catch (IOException | InterruptedException e) {
                    closeBoth(from, to);
                }
                queue.offer(new Chunk(System.nanoTime() + delayNanos, END));
            });
            Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = to.getOutputStream();
                    while (true) {
                        Chunk chunk = queue.take();
                        long wait = chunk.due() - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(Duration.ofNanos(wait));
                        }
                        if (chunk.bytes() == END) {
                            break;
                        }
                        out.write(chunk.bytes());
                    }
                    to.shutdownOutput();
                } catch (IOException | InterruptedException e) {
                    closeBoth(from, to);
                }
                if (open.decrementAndGet() == 0) {
                    closeBoth(from, to);
                }
            });
        }

        private static void closeBoth(Socket a, Socket b) {
            try (a; b) {
                // closed by the try
            } catch (IOException ignored) {
                // closing anyway
            }
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
