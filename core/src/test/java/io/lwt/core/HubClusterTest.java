package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Hubs of one cluster sharing an in-memory store ({@link MemoryClusterStore}): pool addresses assigned once across
 * hubs, kept by a client that moves, a stale session ended when its client turns up elsewhere, and a hub that lost its
 * lease admitting no one until it registers again.
 */
class HubClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SessionSettings SESSION = new SessionSettings(Duration.ofMillis(200), Duration.ofSeconds(5), 1024);

    private final MemoryClusterStore store = new MemoryClusterStore();

    private TestHub hub(String name, String pool) throws Exception {
        TestHub hub = TestHub.clustered(name, 2, SESSION, pool, new ClusterSettings(store.client(), "127.0.0.1:0"));
        TestHub.await("hub " + name + " registered", WAIT, () -> store.snapshot().containsKey("members/" + name));
        return hub;
    }

    @Test
    void twoClientsRacingForTheLastPoolAddressOnDifferentHubsGetOneBetweenThem() throws Exception {
        try (TestHub a = hub("a", "10.1.0.100-10.1.0.100"); TestHub b = hub("b", "10.1.0.100-10.1.0.100");
                ClientNode c1 = a.client(1, SESSION); ClientNode c2 = b.client(2, SESSION)) {
            TestHub.await("one of them connected", WAIT, () -> c1.isConnected() || c2.isConnected());
            Map<String, String> taken = store.snapshot().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("addresses/") || e.getKey().startsWith("clients/"))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            String winner = c1.isConnected() ? "c1" : "c2";
            assertEquals(Map.of("addresses/10.1.0.100", winner, "clients/" + winner + "/ipv4", "10.1.0.100"), taken);
            assertFalse(c1.isConnected() && c2.isConnected(), "never both");
            TestHub loserHub = winner.equals("c1") ? b : a;
            TestHub.await("the other refused: the pool is exhausted", WAIT, () -> loserHub.node.counters().drops()
                    .getOrDefault("handshake-pool-exhausted", 0L) > 0);
        }
    }

    @Test
    void aClientKeepsItsPoolAddressOnAnotherHub() throws Exception {
        TestHub a = hub("a", "10.1.0.100-10.1.0.110");
        TestHub b = hub("b", "10.1.0.100-10.1.0.110");
        try (ClientNode c2 = a.client(2, SESSION, a.transports, List.of(a.address()))) {
            TestHub.await("c2 connected to a", WAIT, c2::isConnected); // takes 10.1.0.100 first
            try (ClientNode c1 = a.client(1, SESSION, a.transports, List.of(a.address(), b.address()))) {
                TestHub.await("c1 connected", WAIT, c1::isConnected);
                TestHub first = store.snapshot().get("locations/c1").equals("a") ? a : b;
                TestHub other = first == a ? b : a;
                String address = store.snapshot().get("clients/c1/ipv4");
                assertEquals("10.1.0.101", address);

                first.close();
                TestHub.await("c1 on the other hub", WAIT, () -> c1.isConnected()
                        && other.node.sessionCount() >= 1 && other.node.status().node().equals(store.snapshot().get("locations/c1")));
                assertEquals(address, store.snapshot().get("clients/c1/ipv4"), "the same address");
                assertEquals(1, c1.status().reconnects(), "one move, and the client did not stop: its address held");
            }
        } finally {
            a.close();
            b.close();
        }
    }

    /** Another hub registering the client (its new session, as the store says) ends this hub's stale one. */
    @Test
    void aSessionWhoseClientTurnedUpAtAnotherHubEnds() throws Exception {
        Queue<String> closed = new ConcurrentLinkedQueue<>();
        try (TestHub a = hub("a", "10.1.0.100-10.1.0.110");
                LogCapture _ = LogCapture.of(HubNode.class.getName(), line -> closed.add(line.message()));
                ClientNode c1 = a.client(1, SESSION)) {
            TestHub.await("c1 connected", WAIT, c1::isConnected);
            store.client().put("locations/c1", "b", null);
            TestHub.await("a ended its stale session", WAIT,
                    () -> closed.stream().anyMatch(l -> l.contains("closed: the client moved to hub b")));
            TestHub.await("c1 back on a, which registers it again", WAIT,
                    () -> c1.isConnected() && "a".equals(store.snapshot().get("locations/c1")));
        }
    }

    /**
     * A hub whose lease is gone (its store out of reach for longer than the lease) admits no new client, and keeps the
     * sessions it has; once the store answers it registers again, with its clients, and admits new ones.
     */
    @Test
    void aHubWithoutItsLeaseAdmitsNoOneUntilItRegistersAgain() throws Exception {
        try (TestHub a = hub("a", "10.1.0.100-10.1.0.110"); ClientNode c1 = a.client(1, SESSION)) {
            TestHub.await("c1 connected", WAIT, c1::isConnected);
            store.unreachable(true);
            store.loseLeases();
            assertFalse(store.snapshot().containsKey("members/a"), "the lease took the hub's registration with it");
            try (ClientNode c2 = a.client(2, SESSION)) {
                TestHub.await("c2 refused for now", WAIT,
                        () -> a.node.counters().drops().getOrDefault("handshake-busy", 0L) > 0);
                assertFalse(c2.isConnected());
                assertTrue(c1.isConnected(), "the session it had goes on");
                assertEquals(0, c1.status().reconnects());

                store.unreachable(false);
                TestHub.await("c2 admitted once the hub registered again", WAIT, c2::isConnected);
                Map<String, String> now = store.snapshot();
                assertTrue(now.containsKey("members/a"), "registered again: " + now);
                assertEquals("a", now.get("locations/c1"), "with the clients it held: " + now);
                assertEquals("a", now.get("locations/c2"), now.toString());
            }
        }
    }
}
