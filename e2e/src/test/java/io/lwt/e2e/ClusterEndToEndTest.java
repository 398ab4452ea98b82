package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three hubs of one cluster on a real three-member etcd cluster (Debian's etcd-server, one member in each hub's
 * namespace), with clients in namespaces of their own: a client keeps its pool address when its hub is killed and it
 * fails over; two clients racing for the last pool address on different hubs get it once between them; losing one
 * etcd member changes nothing; losing all of them stops no established traffic, and a new client joins once they are
 * back.
 */
class ClusterEndToEndTest {

    private static final List<String> HUBS = List.of("hub-a", "hub-b", "hub-c");

    @BeforeEach
    void root() {
        E2e.requireRoot();
        E2e.requireTool("etcd", "etcd-server");
    }

    private static ClusterNetwork started(Map<String, List<String>> clients, String pool) throws Exception {
        return started(clients, pool, "");
    }

    /** The hubs started and registered, with {@code hubKeys} (YAML lines) for each. */
    private static ClusterNetwork started(Map<String, List<String>> clients, String pool, String hubKeys)
            throws Exception {
        ClusterNetwork net = ClusterNetwork.create(HUBS, clients, pool, hubKeys);
        try {
            for (String hub : HUBS) {
                net.start(hub);
            }
            for (String hub : HUBS) {
                net.awaitRegistered(hub);
            }
            return net;
        } catch (Exception | Error e) {
            net.close();
            throw e;
        }
    }

    /**
     * Carol's hub is killed (SIGKILL) while she pings it: she joins another hub of her list with the same address
     * (a client stops if a hub gives it another one), and her pings go on. The time from the kill to the first ping
     * answered through the new hub is printed.
     */
    @Test
    void aClientWhoseHubIsKilledFailsOverWithItsAddress() throws Exception {
        try (ClusterNetwork net = started(Map.of("carol", HUBS), "10.0.0.100-10.0.0.199")) {
            Netns.Running carol = net.start("carol");
            String first = HUBS.stream().filter(h -> holds(net, h, "carol")).findFirst()
                    .orElseThrow(() -> new AssertionError("carol on no hub\n" + net.logs()));
            assertTrue(net.ns("carol").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "10.0.0.1").ok(), net.logs());
            String address = addressOf(net, first, "carol");

            long killed = System.nanoTime();
            net.node(first).process().destroyForcibly();
            net.node(first).process().waitFor();
            Netns.Result pings = net.ns("carol").exec("ping", "-c", "1", "-i", "0.05", "-W", "1", "-w", "30", "10.0.0.1");
            long failover = System.nanoTime() - killed;
            assertTrue(pings.ok(), "carol reaches a hub again\n" + pings.output() + net.logs());
            carol.awaitLines(l -> l.contains("tunnel up"), 2, TunnelNetwork.UP, "carol's second session");
            String second = HUBS.stream().filter(h -> !h.equals(first)).filter(h -> holds(net, h, "carol"))
                    .findFirst().orElseThrow(() -> new AssertionError("carol on no other hub\n" + net.logs()));
            assertEquals(address, addressOf(net, second, "carol"), "the same address on " + second);
            assertTrue(carol.process().isAlive(), "carol did not stop: her address held\n" + carol.log());
            System.out.printf("cluster failover: hub %s killed, carol's first ping answered through %s after %d ms%n",
                    first, second, failover / 1_000_000);
        }
    }

    /**
     * Four clients over three hubs: clients of different hubs reach each other over the links between their hubs,
     * pings and checksummed transfers; each hub holds a link to each other one.
     */
    @Test
    void clientsOfDifferentHubsReachEachOtherOverTheLinks() throws Exception {
        Map<String, List<String>> clients = new LinkedHashMap<>();
        clients.put("alice", List.of("hub-a"));
        clients.put("bob", List.of("hub-b"));
        clients.put("carol", List.of("hub-c"));
        clients.put("dave", List.of("hub-a"));
        try (ClusterNetwork net = started(clients, "10.0.0.100-10.0.0.199")) {
            for (String client : clients.keySet()) {
                net.start(client);
            }
            awaitLinks(net);
            assertTrue(net.ping("alice", net.address("bob")).ok(), net.logs());
            assertTrue(net.ping("bob", net.address("carol")).ok(), net.logs());
            assertTrue(net.ping("carol", net.address("dave")).ok(), net.logs());
            assertTrue(net.ping("alice", net.address("dave")).ok(), "on one hub, as ever\n" + net.logs());
            net.assertTransfersIntact("alice", "carol", 16 << 20, null);
            net.assertTransfersIntact("carol", "bob", 16 << 20, null);
            assertTrue(net.status("hub-b").lines().anyMatch(l -> l.startsWith("hub:hub-a ")), net.status("hub-b"));
        }
    }

    /** With isolated routing a client reaches its hub only, whichever hub the other client is on. */
    @Test
    void isolatedRoutingKeepsClientsOfDifferentHubsApart() throws Exception {
        Map<String, List<String>> clients = new LinkedHashMap<>();
        clients.put("alice", List.of("hub-a"));
        clients.put("bob", List.of("hub-b"));
        try (ClusterNetwork net = started(clients, "10.0.0.100-10.0.0.199", "routing: isolated\n")) {
            net.start("alice");
            net.start("bob");
            awaitLinks(net);
            assertTrue(net.ping("alice", "10.0.0.1").ok(), net.logs());
            assertTrue(!net.ping("alice", net.address("bob")).ok(), "isolated across hubs too\n" + net.logs());
            assertTrue(net.status("hub-a").contains("isolated"), "hub-a dropped them as isolated\n" + net.status("hub-a"));
        }
    }

    /**
     * Alice's hub is killed in the middle of her checksummed transfer to carol, a client of a third hub: she fails
     * over to her other hub with her address, carol's hub learns where she is now, and the transfer completes. The
     * time from the kill to the first ping answered through the new path is printed.
     */
    @Test
    void aTransferGoesOnWhenTheSendersHubIsKilled() throws Exception {
        Map<String, List<String>> clients = new LinkedHashMap<>();
        clients.put("alice", List.of("hub-a", "hub-b"));
        clients.put("carol", List.of("hub-c"));
        try (ClusterNetwork net = started(clients, "10.0.0.100-10.0.0.199")) {
            Netns.Running alice = net.start("alice");
            net.start("carol");
            awaitLinks(net);
            String first = holds(net, "hub-a", "alice") ? "hub-a" : "hub-b";
            String address = net.address("alice");
            long[] failover = new long[1];
            net.assertTransfersIntact("alice", "carol", 64 << 20, () -> {
                long killed = System.nanoTime();
                net.node(first).process().destroyForcibly();
                Netns.Result ping = net.ns("alice").exec("ping", "-c", "1", "-i", "0.05", "-W", "1", "-w", "30",
                        net.address("carol"));
                failover[0] = System.nanoTime() - killed;
                assertTrue(ping.ok(), "alice reaches carol again\n" + ping.output() + net.logs());
            });
            alice.awaitLines(l -> l.contains("tunnel up"), 2, TunnelNetwork.UP, "alice's second session");
            assertEquals(address, net.address("alice"), "the same address");
            System.out.printf("cluster failover mid-transfer: hub %s killed, alice's first ping to carol (hub-c) "
                    + "answered after %d ms%n", first, failover[0] / 1_000_000);
        }
    }

    /** Waits until every hub logged a link to each other hub. */
    private static void awaitLinks(ClusterNetwork net) throws InterruptedException {
        for (String hub : HUBS) {
            for (String other : HUBS) {
                if (!other.equals(hub)) {
                    net.node(hub).awaitLine(l -> l.contains("link to hub " + other + " up"), TunnelNetwork.UP,
                            hub + "'s link to " + other);
                }
            }
        }
    }

    /** The pool holds one address; two clients, each pinned to a hub of its own, start at once: one gets it. */
    @Test
    void twoClientsRacingForTheLastAddressOnDifferentHubsGetItOnce() throws Exception {
        Map<String, List<String>> clients = new LinkedHashMap<>();
        clients.put("dave", List.of("hub-a"));
        clients.put("erin", List.of("hub-b"));
        try (ClusterNetwork net = started(clients, "10.0.0.100-10.0.0.100")) {
            Netns.Running dave = net.startWithoutWaiting("dave");
            Netns.Running erin = net.startWithoutWaiting("erin");
            long deadline = System.nanoTime() + TunnelNetwork.UP.toNanos();
            while (!dave.log().contains("tunnel up") && !erin.log().contains("tunnel up")) {
                assertTrue(System.nanoTime() < deadline, "neither joined\n" + net.logs());
                Thread.sleep(20);
            }
            Netns.Running loser = dave.log().contains("tunnel up") ? erin : dave;
            String loserHub = loser == erin ? "hub-b" : "hub-a";
            net.node(loserHub).awaitLine(l -> l.contains("no address left in the pool"), TunnelNetwork.UP,
                    "the other refused: the pool is exhausted");
            assertTrue(!loser.log().contains("tunnel up"), "never both\n" + net.logs());
        }
    }

    /**
     * One etcd member killed: a new client still joins, and the hubs stay registered. Then every member stopped: the
     * established session goes on (pings through it), a new client is refused for now, and joins once etcd is back.
     */
    @Test
    void etcdLosingOneMemberChangesNothingAndLosingAllStopsOnlyNewJoins() throws Exception {
        Map<String, List<String>> clients = new LinkedHashMap<>();
        clients.put("frank", List.of("hub-a"));
        clients.put("grace", List.of("hub-a"));
        clients.put("heidi", List.of("hub-a"));
        try (ClusterNetwork net = started(clients, "10.0.0.100-10.0.0.199")) {
            net.start("frank");
            net.etcd().kill(2); // hub-c's member
            net.start("grace");
            assertTrue(net.ns("grace").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "10.0.0.1").ok(), net.logs());

            net.etcd().stop(0);
            net.etcd().stop(1);
            net.node("hub-a").awaitLine(l -> l.contains("lost its lease"), Duration.ofSeconds(30),
                    "hub-a losing its lease");
            Netns.Running heidi = net.startWithoutWaiting("heidi");
            net.node("hub-a").awaitLine(l -> l.contains("cannot admit heidi"), Duration.ofSeconds(30),
                    "heidi refused for now");
            Netns.Result pings = net.ns("frank").exec("ping", "-c", "10", "-i", "0.2", "-W", "2", "10.0.0.1");
            assertTrue(pings.ok() && pings.output().contains(" 0% packet loss"), "frank's session goes on\n"
                    + pings.output() + net.logs());

            net.etcd().restart(0, 1, 2);
            heidi.awaitLine(l -> l.contains("tunnel up"), Duration.ofSeconds(60), "heidi joins once etcd is back");
            assertTrue(net.ns("heidi").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "10.0.0.1").ok(), net.logs());
        }
    }

    /** Whether the hub's lwt status lists a session of the client (a killed hub answers nothing). */
    private static boolean holds(ClusterNetwork net, String hub, String client) {
        try {
            return net.status(hub).lines().anyMatch(l -> l.startsWith(client + " "));
        } catch (Exception | AssertionError e) {
            return false;
        }
    }

    /** The tunnel address of a client's session in a hub's lwt status. */
    private static String addressOf(ClusterNetwork net, String hub, String client) throws Exception {
        return net.status(hub).lines().filter(l -> l.startsWith(client + " ")).findFirst()
                .map(l -> l.split("\\s+")[1]).orElseThrow(() -> new AssertionError(client + " not on " + hub));
    }
}
