package io.lwt.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.cluster.ClusterStore;
import io.lwt.api.cluster.Lease;
import io.lwt.api.cluster.Watch;
import io.lwt.testsupport.E2e;
import io.lwt.testsupport.EtcdCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store against a real three-member etcd cluster that loses members. The store under test lists the members in
 * order, so it usually starts on member 0; tests of a watch take down the member it follows, whichever that is, and
 * write meanwhile through a store on the others. Each test has a fresh cluster.
 */
class EtcdFailoverTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PREFIX = "/lwt-test/failover/";

    @TempDir
    Path dir;
    private EtcdCluster etcd;
    private ClusterStore store;
    private ClusterStore others;

    @BeforeEach
    void startEtcd() throws InterruptedException {
        E2e.requireTool("etcd", "etcd-server");
        etcd = EtcdCluster.start(3, dir);
        store = Stores.open(etcd.clientUrls(), PREFIX);
        others = Stores.open(List.of(etcd.clientUrl(1), etcd.clientUrl(2)), PREFIX);
    }

    @AfterEach
    void stopEtcd() {
        if (etcd != null) {
            store.close();
            others.close();
            etcd.close();
        }
    }

    @Test
    void callsAndLeaseRenewalsGoOnThroughTheOthersWhenAMemberIsKilled() throws Exception {
        BlockingQueue<String> lost = new LinkedBlockingQueue<>();
        Lease lease = store.grant(Duration.ofSeconds(5), lost::add);
        store.put("hub/a", "up", lease);
        store.put("before", "1", null);
        etcd.kill(0);
        // if member 0 led, the others refuse until they have elected a leader among them
        Stores.eventually(WAIT, () -> {
            store.put("after", "2", null);
            return null;
        });
        assertTrue(store.create(Map.of("created", "3"), null));
        assertEquals("1", store.get("before"));
        assertEquals("2", store.get("after"));
        assertTrue(store.delete("created", "3"));
        Stores.holds(Duration.ofSeconds(4), "the lease is renewed through the others", () -> {
            try {
                return "up".equals(store.get("hub/a"));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(lost.isEmpty(), lost.toString());
    }

    @Test
    void aWatchGoesOnFromAnotherMemberWithoutMissingOrRepeatingAChange() throws Exception {
        WatchRecorder recorder = new WatchRecorder();
        store.put("w/a", "1", null);
        try (Watch watch = store.watch("w/", recorder)) {
            recorder.await("reset {w/a=1}", WAIT);
            store.put("w/b", "2", null);
            recorder.await("w/b=2", WAIT);
            int followed = followed(watch);
            etcd.kill(followed);
            try (ClusterStore rest = others(followed)) {
                for (int i = 1; i <= 5; i++) {
                    createEventually(rest, "w/k" + i, Integer.toString(i));
                }
            }
            recorder.await("w/k5=5", WAIT);
            assertEquals(List.of("reset {w/a=1}", "w/b=2", "w/k1=1", "w/k2=2", "w/k3=3", "w/k4=4", "w/k5=5"),
                    recorder.withoutUnreachable());
            assertEquals(1, recorder.count("unreachable"), recorder.told().toString());
        }
    }

    @Test
    void aWatchGoesOnAfterEveryMemberStoppedAndCameBack() throws Exception {
        WatchRecorder recorder = new WatchRecorder();
        store.put("w/a", "1", null);
        try (Watch ignored = store.watch("w/", recorder)) {
            recorder.await("reset {w/a=1}", WAIT);
            etcd.stop(0);
            etcd.stop(1);
            etcd.stop(2);
            recorder.await("unreachable", WAIT);
            etcd.restart(0, 1, 2);
            createEventually(store, "w/b", "2");
            recorder.await("w/b=2", WAIT);
            // stopped one after the other, the watch may have gone to member 1 or 2 before they stopped too
            assertEquals(List.of("reset {w/a=1}", "w/b=2"), recorder.withoutUnreachable());
            assertEquals("unreachable", recorder.told().get(recorder.told().size() - 2));
        }
    }

    /** A frozen member keeps the watch's connection open and says nothing: the watch must notice, and move. */
    @Test
    void aWatchLeavesAFrozenMember() throws Exception {
        WatchRecorder recorder = new WatchRecorder();
        store.put("w/a", "1", null);
        try (Watch watch = store.watch("w/", recorder)) {
            recorder.await("reset {w/a=1}", WAIT);
            int followed = followed(watch);
            etcd.freeze(followed);
            try (ClusterStore rest = others(followed)) {
                createEventually(rest, "w/b", "2");
                recorder.await("w/b=2", WAIT.plus(EtcdWatch.SILENCE));
            } finally {
                etcd.thaw(followed);
            }
            assertEquals(List.of("reset {w/a=1}", "unreachable", "w/b=2"), recorder.told());
        }
    }

    /**
     * The watch is held away while etcd moves on and compacts what the watch has not seen: its only endpoint, member 0,
     * is down meanwhile (a store of that one member, so the watch cannot have moved to another), and its listener
     * blocks.
     */
    @Test
    void aWatchResetsWhenTheHistoryItMissedWasCompacted() throws Exception {
        WatchRecorder recorder = new WatchRecorder(true);
        others.put("w/a", "1", null);
        others.put("w/b", "2", null);
        try (ClusterStore onlyMember0 = Stores.open(List.of(etcd.clientUrl(0)), PREFIX);
                Watch ignored = onlyMember0.watch("w/", recorder);
                EtcdClient operator = Stores.rawClient(etcd.clientUrl(1))) {
            recorder.await("reset {w/a=1, w/b=2}", WAIT);
            etcd.kill(0);
            recorder.await("unreachable", WAIT);
            createEventually(others, "w/c", "3");
            others.put("w/a", "4", null);
            others.delete("w/b", "2");
            String anyKey = Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8));
            long revision = operator.call("/v3/kv/range", Map.of("key", anyKey)).object("header").number("revision");
            operator.call("/v3/kv/compaction", Map.of("revision", Long.toString(revision)));
            etcd.restart(0);
            recorder.release();
            recorder.await("reset {w/a=4, w/c=3}", WAIT);
            assertEquals(List.of("reset {w/a=1, w/b=2}", "unreachable", "reset {w/a=4, w/c=3}"), recorder.told());
        }
    }

    /**
     * The member the watch follows: the test takes that one down (usually member 0, the store's first, unless it
     * was slow to answer when the watch began).
     */
    private int followed(Watch watch) throws InterruptedException {
        Stores.await(WAIT, "the watch following a member", () -> ((EtcdWatch) watch).following() != null);
        return etcd.clientUrls().indexOf(((EtcdWatch) watch).following().toString());
    }

    /** A store on the members other than {@code member}. */
    private ClusterStore others(int member) {
        List<String> urls = new java.util.ArrayList<>(etcd.clientUrls());
        urls.remove(member);
        return Stores.open(urls, PREFIX);
    }

    /** Creates a key once, retrying while the cluster elects a leader: a retry finds it created and writes nothing. */
    private static void createEventually(ClusterStore store, String key, String value)
            throws IOException, InterruptedException {
        Stores.eventually(WAIT, () -> store.create(Map.of(key, value), null));
    }
}
