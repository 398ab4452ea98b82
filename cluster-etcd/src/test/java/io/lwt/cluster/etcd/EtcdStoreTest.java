package io.lwt.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.cluster.ClusterStore;
import io.lwt.api.cluster.Lease;
import io.lwt.api.cluster.Watch;
import io.lwt.testsupport.E2e;
import io.lwt.testsupport.EtcdCluster;
import io.lwt.testsupport.ProcessResources;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store against one real etcd member: transactions, leases (revoked, renewed, forgotten by etcd, lost while etcd
 * is frozen), watches, errors when no endpoint answers, and the store's threads ending with it. Each test works under
 * a prefix of its own.
 */
class EtcdStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static EtcdCluster etcd;

    @BeforeAll
    static void startEtcd() throws InterruptedException {
        E2e.requireTool("etcd", "etcd-server");
        etcd = EtcdCluster.start(1, dir);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static ClusterStore store(TestInfo test) {
        return Stores.open(etcd.clientUrls(), "/lwt-test/" + test.getTestMethod().orElseThrow().getName() + "/");
    }

    @Test
    void createWritesEveryKeyOrNone(TestInfo test) throws IOException {
        try (ClusterStore store = store(test)) {
            store.put("b", "old", null);
            assertFalse(store.create(ordered("a", "1", "b", "2", "c", "3"), null), "b exists");
            assertNull(store.get("a"));
            assertEquals("old", store.get("b"));
            assertNull(store.get("c"));
            assertTrue(store.create(ordered("a", "1", "c", "3"), null));
            assertEquals("1", store.get("a"));
            assertEquals("3", store.get("c"));
            assertFalse(store.create(Map.of("a", "again"), null));
            assertEquals("1", store.get("a"));
        }
    }

    @Test
    void ofTwoThreadsCreatingOneKeyExactlyOneWins(TestInfo test) throws Exception {
        try (ClusterStore store = store(test); ExecutorService threads = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < 20; i++) {
                int round = i;
                String key = "address/" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> racers = new ArrayList<>();
                for (String hub : List.of("hub-a", "hub-b")) {
                    racers.add(threads.submit(() -> {
                        start.await();
                        return store.create(Map.of(key, hub, "hub/" + hub + "/" + round, key), null);
                    }));
                }
                start.countDown();
                boolean aWon = racers.get(0).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                boolean bWon = racers.get(1).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(aWon ^ bWon, "round " + round + ": a " + aWon + ", b " + bWon);
                String winner = aWon ? "hub-a" : "hub-b";
                String loser = aWon ? "hub-b" : "hub-a";
                assertEquals(winner, store.get(key));
                assertNull(store.get("hub/" + loser + "/" + round), "the loser wrote nothing");
            }
        }
    }

    @Test
    void putSetsAndDeleteTakesOnlyTheExpectedValue(TestInfo test) throws IOException {
        try (ClusterStore store = store(test)) {
            store.put("k", "1", null);
            store.put("k", "2 é € \"quoted\"", null);
            assertEquals("2 é € \"quoted\"", store.get("k"));
            assertFalse(store.delete("k", "1"));
            assertEquals("2 é € \"quoted\"", store.get("k"));
            assertTrue(store.delete("k", "2 é € \"quoted\""));
            assertNull(store.get("k"));
            assertFalse(store.delete("k", "2 é € \"quoted\""));
            store.put("empty", "", null);
            assertEquals("", store.get("empty"));
        }
    }

    @Test
    void keysAreRelativeToThePrefix() throws IOException {
        try (ClusterStore defaults = Stores.open(etcd.clientUrls(), EtcdClusterStoreProvider.DEFAULT_PREFIX);
                ClusterStore whole = Stores.open(etcd.clientUrls(), "")) {
            defaults.put("prefix-test/x", "1", null);
            assertEquals("1", whole.get("/lwt/prefix-test/x"));
            assertNull(whole.get("prefix-test/x"));
        }
    }

    @Test
    void aLeaseIsRenewedBeyondItsTtlAndItsKeysGoWhenItIsClosed(TestInfo test) throws Exception {
        BlockingQueue<String> lost = new LinkedBlockingQueue<>();
        try (ClusterStore store = store(test)) {
            Lease lease = store.grant(Duration.ofSeconds(2), lost::add);
            assertTrue(store.create(Map.of("member/a", "x"), lease));
            store.put("member/b", "y", lease);
            Stores.holds(Duration.ofSeconds(5), "the leased key stays while the lease is renewed",
                    () -> get(store, "member/a") != null);
            lease.close();
            assertNull(store.get("member/a"), "revoked at once");
            assertNull(store.get("member/b"));
            lease.close(); // again: nothing
            assertTrue(lost.isEmpty(), lost.toString());
        }
    }

    @Test
    void aLeaseThatEtcdForgetsIsReportedLostOnce(TestInfo test) throws Exception {
        BlockingQueue<String> lost = new LinkedBlockingQueue<>();
        try (ClusterStore store = store(test); EtcdClient operator = Stores.rawClient(etcd.clientUrl(0))) {
            Lease lease = store.grant(Duration.ofSeconds(3), lost::add);
            store.put("member", "x", lease);
            long id = ((EtcdLease) lease).id();
            operator.call("/v3/lease/revoke", Map.of("ID", Long.toString(id)));
            assertEquals("etcd no longer has the lease (it expired there)",
                    lost.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertNull(store.get("member"));
            lease.close(); // after the loss: nothing to do, nothing thrown
            IOException e = assertThrows(IOException.class, () -> store.put("member", "x", lease));
            assertTrue(e.getMessage().startsWith("etcd: etcdserver: requested lease not found (HTTP 404 from "),
                    e.getMessage());
            Lease next = store.grant(Duration.ofSeconds(3), lost::add);
            store.put("member", "again", next);
            assertEquals("again", store.get("member"));
            next.close();
            assertTrue(lost.isEmpty(), "told once: " + lost);
        }
    }

    /**
     * A frozen etcd neither expires nor renews leases; on resuming it revokes those whose TTL passed. The holder
     * cannot renew for longer than the TTL, so it is told once, and a new grant works once etcd is back.
     */
    @Test
    void aLeaseIsLostOnceWhenEtcdIsFrozenForLongerThanItsTtl(TestInfo test) throws Exception {
        BlockingQueue<String> lost = new LinkedBlockingQueue<>();
        try (ClusterStore store = store(test)) {
            Lease lease = store.grant(Duration.ofSeconds(2), lost::add);
            store.put("member", "x", lease);
            etcd.freeze(0);
            String reason;
            try {
                reason = lost.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                etcd.thaw(0);
            }
            assertTrue(reason != null && reason.startsWith("etcd unreachable for longer than the lease's 2s: etcd "
                    + "unreachable: " + etcd.clientUrl(0) + ": no answer within 2s"), "lost: " + reason);
            Stores.await(WAIT, "etcd to drop the lost lease's key", () -> get(store, "member") == null);
            Lease next = Stores.eventually(WAIT, () -> store.grant(Duration.ofSeconds(2), lost::add));
            store.put("member", "again", next);
            assertEquals("again", store.get("member"));
            Stores.holds(Duration.ofSeconds(3), "the new lease is renewed", () -> "again".equals(get(store, "member")));
            assertTrue(lost.isEmpty(), "told once: " + lost);
        }
    }

    @Test
    void aWatchResetsWithTheKeysUnderItsPrefixThenReportsEachChangeInOrder(TestInfo test) throws Exception {
        WatchRecorder recorder = new WatchRecorder();
        try (ClusterStore store = store(test)) {
            store.put("hubs/a", "1", null);
            store.put("hubs/b", "2", null);
            store.put("hubsx", "outside", null);
            try (Watch ignored = store.watch("hubs/", recorder)) {
                recorder.await("reset {hubs/a=1, hubs/b=2}", WAIT);
                store.put("hubs/a", "3", null);
                store.delete("hubs/b", "2");
                store.put("hubsy", "outside", null);
                store.create(ordered("hubs/c", "4", "hubs/d", "5"), null);
                store.put("hubs/a", "6", null);
                store.put("hubs/end", "", null);
                recorder.await("hubs/end=", WAIT);
                assertEquals(List.of("reset {hubs/a=1, hubs/b=2}", "hubs/a=3", "hubs/b deleted", "hubs/c=4",
                        "hubs/d=5", "hubs/a=6", "hubs/end="), recorder.told());
            }
        }
    }

    @Test
    void callsNameEveryEndpointThatFailedAndWatchesSayTheyCannotReachIt(TestInfo test) throws Exception {
        int[] closed = closedPorts(2);
        String first = "http://127.0.0.1:" + closed[0];
        String second = "http://127.0.0.1:" + closed[1];
        WatchRecorder recorder = new WatchRecorder();
        try (ClusterStore store = Stores.open(List.of(first, second), "/lwt-test/nowhere/")) {
            IOException e = assertThrows(IOException.class, () -> store.put("k", "v", null));
            assertEquals("etcd unreachable: " + first + ": Connection refused; " + second + ": Connection refused",
                    e.getMessage());
            assertThrows(IOException.class, () -> store.grant(Duration.ofSeconds(5), reason -> {}));
            try (Watch ignored = store.watch("", recorder)) {
                recorder.await("unreachable", WAIT);
            }
            assertEquals(List.of("unreachable"), recorder.told());
        }
    }

    @Test
    void closingTheStoreEndsItsLeasesRenewalsAndWatchesAndTheirThreads(TestInfo test) throws Exception {
        Stores.await(WAIT, "no lwt- thread before (the other tests closed their stores)",
                () -> tunnelThreads() == 0);
        BlockingQueue<String> lost = new LinkedBlockingQueue<>();
        WatchRecorder recorder = new WatchRecorder();
        ClusterStore store = store(test);
        Lease lease = store.grant(Duration.ofSeconds(2), lost::add);
        store.put("member", "x", lease);
        store.watch("", recorder);
        recorder.await("reset {member=x}", WAIT);
        assertTrue(tunnelThreads() >= 3, "renewer, watch and stream reader threads are seen");
        store.close();
        Stores.await(WAIT, "every lwt- thread to end", () -> tunnelThreads() == 0);
        try (ClusterStore other = store(test)) {
            assertEquals("x", other.get("member"), "closing the store does not revoke");
        }
        assertTrue(lost.isEmpty(), lost.toString());
        assertThrows(IllegalStateException.class, () -> store.watch("", recorder));
        assertThrows(IOException.class, () -> store.get("member"));
    }

    private static int tunnelThreads() {
        try {
            return ProcessResources.measure().tunnelThreads();
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value, or null when absent or when etcd did not answer. */
    private static String get(ClusterStore store, String key) {
        try {
            return store.get(key);
        } catch (IOException e) {
            return null;
        }
    }

    /** Loopback ports that nothing listens on now. */
    private static int[] closedPorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
