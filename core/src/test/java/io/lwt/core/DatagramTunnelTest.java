package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.transport.Transport;
import io.lwt.testsupport.MemoryDatagrams;
import io.lwt.testsupport.MemoryDatagrams.Impairment;
import io.lwt.testsupport.MemoryTun;
import io.lwt.testsupport.TestPackets;
import io.lwt.transport.tcp.TcpTransportProvider;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Real hubs and clients over {@link MemoryDatagrams}, whose paths lose, duplicate and reorder datagrams: what the
 * engine does on a datagram transport (explicit nonces, the replay window, no session ended for a bad datagram,
 * roaming only on authenticated messages, a new handshake when one is lost).
 */
class DatagramTunnelTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final SessionSettings SESSION = new SessionSettings(Duration.ofMillis(200), Duration.ofSeconds(5), 1024);

    @Test
    void packetsCrossAPathThatLosesDuplicatesAndReordersEachAtMostOnce() throws Exception {
        Impairment bad = new Impairment(0.05, 0.1, 0.1);
        MemoryDatagrams transport = new MemoryDatagrams(7, bad, bad);
        try (TestHub hub = TestHub.start(2, SESSION, transport);
                ClientNode alice = hub.client(1, SESSION);
                ClientNode bob = hub.client(2, SESSION)) {
            TestHub.await("two sessions", WAIT, () -> alice.isConnected() && bob.isConnected()
                    && hub.node.sessionCount() == 2);
            int sent = 300;
            for (int i = 0; i < sent; i++) {
                MemoryTun.device(alice.deviceName()).inject(packet(1, 2, i));
            }
            Set<Integer> received = new HashSet<>();
            MemoryTun.Device bobs = MemoryTun.device(bob.deviceName());
            byte[] p;
            while ((p = bobs.awaitWritten(Duration.ofSeconds(2))) != null) {
                int n = ByteBuffer.wrap(p, p.length - 4, 4).getInt();
                assertTrue(received.add(n), "packet " + n + " reached bob twice");
            }
            assertTrue(received.size() > sent * 0.7, received.size() + " of " + sent + " arrived");
            assertTrue(received.size() < sent, "some were lost on the way, or the impairment did nothing");
            assertTrue(hub.node.counters().drops().getOrDefault("datagram-refused", 0L) > 0,
                    "the hub refused the duplicates: " + hub.node.counters().drops());
            assertEquals(0, alice.status().reconnects(), "alice kept her session");
            assertEquals(0, bob.status().reconnects(), "bob kept his session");
        }
    }

    @Test
    void aClientWhoseHandshakesAreLostJoinsOnALaterAttempt() throws Exception {
        MemoryDatagrams transport = new MemoryDatagrams();
        try (TestHub hub = TestHub.start(1, SESSION, transport)) {
            transport.loseFirstDatagramOfNext(2); // the initiations of the first two attempts
            try (ClientNode client = hub.client(1, SESSION)) {
                long start = System.nanoTime();
                TestHub.await("a session on the third attempt", WAIT, client::isConnected);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(Session.HANDSHAKE_ATTEMPT.multipliedBy(2)) >= 0,
                        "two attempts timed out first, took " + took);
                assertEquals(2, client.status().reconnects(), "two sessions before this one");
                announce(client, 1, hub);
            }
        }
    }

    @Test
    void forgedAndReplayedDatagramsCostNothingAndOnlyTheRealClientRoams() throws Exception {
        MemoryDatagrams transport = new MemoryDatagrams();
        try (TestHub hub = TestHub.start(1, SESSION, transport); ClientNode client = hub.client(1, SESSION)) {
            MemoryDatagrams.End clientEnd = transport.awaitDialed(WAIT);
            MemoryDatagrams.End hubEnd = clientEnd.peer();
            TestHub.await("a session", WAIT, client::isConnected);
            announce(client, 1, hub);
            InetSocketAddress home = hubEnd.remoteAddress();
            byte[] genuine = clientEnd.lastSent();
            InetSocketAddress elsewhere = MemoryDatagrams.loopback(66, 6, 6, 666);
            long refusedBefore = hub.node.counters().drops().getOrDefault("datagram-refused", 0L);

            hubEnd.inject(genuine, elsewhere); // replayed from another address
            byte[] forged = genuine.clone();
            forged[forged.length - 1] ^= 1;
            hubEnd.inject(forged, elsewhere); // altered
            hubEnd.inject(new byte[] {1, 2, 3}, elsewhere); // garbage
            TestHub.await("three datagrams refused", WAIT,
                    () -> hub.node.counters().drops().getOrDefault("datagram-refused", 0L) == refusedBefore + 3);
            assertEquals(home, hubEnd.remoteAddress(), "nothing that failed to open moved the session");
            announce(client, 1, hub);
            assertEquals(0, client.status().reconnects(), "the session lived through it");

            InetSocketAddress roamed = MemoryDatagrams.loopback(3, 0, 1, 41000);
            clientEnd.roam(roamed);
            announce(client, 1, hub);
            assertEquals(roamed, hubEnd.remoteAddress(), "a message that opened moved the session to its source");
            assertNotEquals(home, roamed);
        }
    }

    /**
     * A client that lists a datagram transport before a stream one: when its datagram handshake is lost it joins over
     * the stream at once, and when that session ends it tries datagrams first again.
     */
    @Test
    void aClientFallsBackToItsSecondTransportAndReturnsToTheFirstAfterwards() throws Exception {
        MemoryDatagrams datagrams = new MemoryDatagrams();
        Transport tcp = new TcpTransportProvider().create(Config.empty("transport.tcp", Config.Location.of("test")));
        try (TestHub hub = TestHub.start(1, SESSION, List.of(tcp, datagrams))) {
            datagrams.loseFirstDatagramOfNext(1);
            try (ClientNode client = hub.client(1, SESSION, List.of(datagrams, tcp))) {
                TestHub.await("a session", WAIT, client::isConnected);
                assertEquals(hub.address().toString(), client.status().peers().getFirst().remote(), "over tcp");
                assertEquals(1, client.status().reconnects(), "one datagram attempt before it");
                announce(client, 1, hub);

                assertEquals(1, hub.node.kick(TestHub.name(1)));
                TestHub.await("a session over datagrams", WAIT, () -> client.isConnected()
                        && client.status().peers().getFirst().remote().equals(MemoryDatagrams.HUB.toString()));
                announce(client, 1, hub);
            }
        }
    }

    /** Sends a packet from client {@code i} to the hub's address and waits for it on the hub's TUN device. */
    private static void announce(ClientNode client, int i, TestHub hub) throws Exception {
        byte[] hello = packet(i, 0, -1);
        MemoryTun.device(client.deviceName()).inject(hello);
        byte[] got;
        do {
            got = hub.device.awaitWritten(WAIT);
        } while (got != null && !java.util.Arrays.equals(got, hello)); // earlier packets to the hub may come first
        assertArrayEquals(hello, got, "client " + i + " reaches the hub");
    }

    /** A UDP packet from client {@code from} to client {@code to} (0: the hub) carrying {@code n}. */
    private static byte[] packet(int from, int to, int n) {
        return TestPackets.udp(dotted(TestHub.address(from)), dotted(to == 0 ? TestHub.HUB_ADDRESS : TestHub.address(to)),
                ByteBuffer.allocate(64).putInt(60, n).array());
    }

    private static String dotted(int address) {
        return TestHub.inet(address).getHostAddress();
    }
}
