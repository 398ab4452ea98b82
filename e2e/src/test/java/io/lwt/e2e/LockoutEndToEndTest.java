package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An outsider who paces connections and holds them without a word, from one address, from many of one IPv4 /24 and
 * from many of one IPv6 /64, cannot keep a client out of a default hub: connections in the handshake do not count
 * against max-clients, and each source gets only its share of the places in the handshake. Each flood runs for 30 s
 * and stops by itself; a new client joins in the middle of each, and the test prints how long it waited.
 */
class LockoutEndToEndTest {

    private static final Duration FLOOD = Duration.ofSeconds(30);
    private static final Duration JOIN = Duration.ofSeconds(5);
    /** Sources of the floods from many addresses: mallory's 10.99.2.10-209 and fd99:2::a-d1. */
    private static final int SOURCES = 200;

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void pacedFloodsFromAnAddressASlash24AndASlash64DoNotKeepANewClientOut() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), TunnelNetwork.Ip.DUAL_STACK,
                "alice", "mallory")) {
            Netns mallory = net.ns("mallory");
            net.ns("hub").exec("ip", "addr", "add", "fd99:2::1/64", "dev", "veth2", "nodad").orThrow();
            mallory.exec("sh", "-c", """
                    for i in $(seq 10 209); do
                      ip addr add 10.99.2.$i/24 dev veth0
                      ip addr add fd99:2::$(printf %x $i)/64 dev veth0 nodad
                    done""").orThrow();
            Netns.Running hub = net.start("hub");
            List<String> waits = new ArrayList<>();
            long start = System.nanoTime();
            net.start("alice").terminate(Duration.ofSeconds(10));
            waits.add("nobody (for comparison): " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
            // one address at the connection rate (10 a second): the old hub held ~110 of them, over max-clients 100
            waits.add("one address: " + joinDuring(net, hub, "one-address", 10, List.of("10.99.2.2"), "10.99.2.1",
                    "8 connections from this address are still in the handshake"));
            // 50 a second spread over 200 addresses of a /24, each far under the rate
            waits.add("a /24: " + joinDuring(net, hub, "slash-24", 50, sources("10.99.2.%d"), "10.99.2.1",
                    "32 connections from 10.99.2.0/24 are still in the handshake"));
            // the same over 200 addresses of a /64: the rate and the places count the /64 as one source
            waits.add("a /64: " + joinDuring(net, hub, "slash-64", 50, sources("fd99:2::%x"), "fd99:2::1",
                    "connections from fd99:2::/64"));
            System.out.println("lockout: a new client joined while an outsider paced connections from " + waits);
        }
    }

    /**
     * Runs a flood for {@link #FLOOD}, starts alice once the hub refuses the flood's share, and returns how long alice
     * took to join (until her "tunnel up"), which must be under {@link #JOIN}. Alice leaves again before the next.
     */
    private static String joinDuring(TunnelNetwork net, Netns.Running hub, String name, int perSecond,
            List<String> sources, String target, String refusal) throws Exception {
        Netns.Running flood = net.ns("mallory").start(PacedFlood.command(target, 9000, perSecond, FLOOD, sources),
                net.directory().resolve(name + ".log"));
        hub.awaitLine(l -> l.contains(refusal), FLOOD, "the hub refusing more than the " + name + " flood's share");
        long start = System.nanoTime();
        Netns.Running alice = net.startWithoutWaiting("alice");
        alice.awaitLine(l -> l.contains("tunnel up"), FLOOD, "alice joined during the " + name + " flood");
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(net.ping("alice", "hub").ok(), "alice's tunnel carries packets: " + net.logs());
        alice.terminate(Duration.ofSeconds(10));
        assertTrue(flood.process().waitFor(FLOOD.toSeconds() + 30, TimeUnit.SECONDS), "the flood ends by itself");
        String summary = flood.log().lines().filter(l -> l.startsWith("flood: opened")).findFirst().orElse("no summary");
        System.out.printf("lockout, %s flood: alice joined in %d ms; %s%n", name, waited.toMillis(), summary);
        assertTrue(waited.compareTo(JOIN) < 0, "alice joined within " + JOIN + " during the " + name + " flood: "
                + waited.toMillis() + " ms");
        assertTrue(summary.contains("opened"), "the flood ran: " + flood.log());
        return waited.toMillis() + " ms";
    }

    private static List<String> sources(String format) {
        return IntStream.range(10, 10 + SOURCES).mapToObj(format::formatted).toList();
    }

    /**
     * The outsider: opens {@code perSecond} connections a second to the hub, in turn from each source address, holds
     * each without sending until the hub closes it, and exits after its lifetime with one line of counts. It runs in
     * its own JVM (java.base only) inside the outsider's namespace.
     */
    static final class PacedFlood {

        static List<String> command(String host, int port, int perSecond, Duration lifetime, List<String> sources)
                throws Exception {
            Path classes = Path.of(PacedFlood.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                    "-XX:+UseSerialGC", "-cp", classes.toString(), PacedFlood.class.getName(), host,
                    Integer.toString(port), Integer.toString(perSecond), Long.toString(lifetime.toSeconds()),
                    String.join(",", sources));
        }

        public static void main(String[] args) throws Exception {
            InetSocketAddress hub = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
            long interval = 1_000_000_000L / Integer.parseInt(args[2]);
            long end = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[3])).toNanos();
            String[] sources = args[4].split(",");
            AtomicInteger open = new AtomicInteger();
            AtomicInteger mostOpen = new AtomicInteger();
            AtomicInteger closedAtOnce = new AtomicInteger();
            int opened = 0;
            int failed = 0;
            for (long next = System.nanoTime(); next < end; next += interval) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                Socket socket = new Socket();
                try {
                    socket.bind(new InetSocketAddress(InetAddress.getByName(sources[opened % sources.length]), 0));
                    socket.connect(hub, 2_000);
                } catch (IOException e) {
                    failed++;
                    socket.close();
                    continue;
                }
                opened++;
                mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                long since = System.nanoTime();
                Thread.ofVirtual().start(() -> {
                    try (socket; InputStream in = socket.getInputStream()) {
                        while (in.read() >= 0) {
                            // the hub never speaks first; wait for it to close
                        }
                    } catch (IOException ignored) {
                        // closed by the hub
                    }
                    if (System.nanoTime() - since < 100_000_000L) {
                        closedAtOnce.incrementAndGet();
                    }
                    open.decrementAndGet();
                });
            }
            System.out.printf("flood: opened %d connections (%d failed to connect), %d closed by the hub within "
                    + "100 ms, at most %d open at once%n", opened, failed, closedAtOnce.get(), mostOpen.get());
            System.exit(0);
        }
    }
}
