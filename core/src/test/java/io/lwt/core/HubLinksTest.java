package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.MemoryTun;
import io.lwt.testsupport.TestPackets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The links between the hubs of a cluster (an in-memory store, real hubs on loopback TCP): clients of different hubs
 * reach each other over one link, it comes back when it breaks, and a client that moves is found at its new hub.
 */
class HubLinksTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SessionSettings SESSION = new SessionSettings(Duration.ofMillis(200), Duration.ofSeconds(3), 1024);

    private final MemoryClusterStore store = new MemoryClusterStore();

    private TestHub hub(String name) throws Exception {
        return TestHub.clustered(name, 3, SESSION, "10.1.0.100-10.1.0.110",
                new ClusterSettings(store.client(), "127.0.0.1:0"));
    }

    @Test
    void clientsOfDifferentHubsReachEachOtherOverTheLink() throws Exception {
        try (TestHub a = hub("a"); TestHub b = hub("b");
                ClientNode c1 = a.client(1, SESSION); ClientNode c2 = b.client(2, SESSION)) {
            TestHub.await("both clients connected and linked", WAIT, () -> c1.isConnected() && c2.isConnected()
                    && linked(a, "b") && linked(b, "a"));
            String to2 = store.snapshot().get("clients/c2/ipv4");
            String to1 = store.snapshot().get("clients/c1/ipv4");
            assertArrives(c1, to1, c2, to2, 1);
            assertArrives(c2, to2, c1, to1, 2);
            assertEquals(1, a.node.status().peers().stream().filter(p -> "hub:b".equals(p.identity())).count(),
                    "one link between a and b: " + a.node.status().peers());
        }
    }

    /** The link ends (its session closed on one side): the hub that dials it dials again, and traffic resumes. */
    @Test
    void aBrokenLinkComesBack() throws Exception {
        try (TestHub a = hub("a"); TestHub b = hub("b");
                ClientNode c1 = a.client(1, SESSION); ClientNode c2 = b.client(2, SESSION)) {
            TestHub.await("linked", WAIT, () -> c1.isConnected() && c2.isConnected() && linked(a, "b"));
            assertEquals(1, b.node.kick("hub:a"), "the link, as b sees it");
            TestHub.await("linked again", WAIT, () -> linked(a, "b") && linked(b, "a"));
            assertArrives(c1, store.snapshot().get("clients/c1/ipv4"), c2, store.snapshot().get("clients/c2/ipv4"), 3);
        }
    }

    /** Client 3 leaves hub b for hub a: c1, on a, reaches it there at once, as one of a's own. */
    @Test
    void aClientThatMovesIsReachedAtItsNewHub() throws Exception {
        try (TestHub a = hub("a"); TestHub b = hub("b"); ClientNode c1 = a.client(1, SESSION)) {
            try (ClientNode c3 = b.client(3, SESSION)) {
                TestHub.await("c3 on b, linked", WAIT, () -> c1.isConnected() && c3.isConnected() && linked(a, "b"));
                assertArrives(c1, store.snapshot().get("clients/c1/ipv4"), c3, store.snapshot().get("clients/c3/ipv4"), 4);
            }
            try (ClientNode c3 = a.client(3, SESSION)) {
                TestHub.await("c3 on a", WAIT, () -> c3.isConnected() && "a".equals(store.snapshot().get("locations/c3")));
                assertArrives(c1, store.snapshot().get("clients/c1/ipv4"), c3, store.snapshot().get("clients/c3/ipv4"), 5);
            }
        }
    }

    private static boolean linked(TestHub hub, String other) {
        return hub.node.status().peers().stream().anyMatch(p -> ("hub:" + other).equals(p.identity()));
    }

    /** A UDP packet from one client's address to another's, injected into the first's TUN device, reaches the second's. */
    private static void assertArrives(ClientNode from, String fromAddress, ClientNode to, String toAddress, int n)
            throws Exception {
        byte[] packet = TestPackets.udp(fromAddress, toAddress, new byte[] {(byte) n, 2, 3});
        MemoryTun.Device out = MemoryTun.device(to.deviceName());
        byte[] got = null;
        for (int attempt = 0; attempt < 50 && got == null; attempt++) { // until the link and the copies have settled
            MemoryTun.device(from.deviceName()).inject(packet);
            byte[] seen;
            while ((seen = out.awaitWritten(Duration.ofMillis(100))) != null) {
                if (Arrays.equals(seen, packet)) {
                    got = seen;
                }
            }
        }
        assertTrue(got != null, "packet " + n + " from " + fromAddress + " reached " + toAddress);
        assertArrayEquals(packet, got);
    }
}
