package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.MemoryTun;
import io.lwt.testsupport.TestPackets;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Clients that list several hubs of one network ({@code connect: [a, b]}): they spread over them, and a client whose
 * hub goes away joins another, keeping its TUN device and its address.
 */
class SeveralHubsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final SessionSettings SESSION = new SessionSettings(Duration.ofMillis(200), Duration.ofSeconds(2), 1024);
    private static final int CLIENTS = 16;

    @Test
    void clientsSpreadOverTheHubsTheyList() throws Exception {
        try (TestHub a = TestHub.start(CLIENTS, SESSION); TestHub b = TestHub.start(CLIENTS, SESSION)) {
            List<InetSocketAddress> hubs = List.of(a.address(), b.address());
            List<ClientNode> clients = new ArrayList<>();
            try {
                for (int i = 1; i <= CLIENTS; i++) {
                    clients.add(a.client(i, SESSION, a.transports, hubs));
                }
                TestHub.await("every client connected", WAIT, () -> clients.stream().allMatch(ClientNode::isConnected)
                        && a.node.sessionCount() + b.node.sessionCount() == CLIENTS);
                // each picks at random: all 16 on one hub has a chance of 2 in 65,536
                assertTrue(a.node.sessionCount() > 0 && b.node.sessionCount() > 0,
                        a.node.sessionCount() + " on a, " + b.node.sessionCount() + " on b");
            } finally {
                clients.forEach(ClientNode::close);
            }
        }
    }

    @Test
    void aClientWhoseHubStopsJoinsAnotherWithItsDeviceAndAddress() throws Exception {
        TestHub a = TestHub.start(1, SESSION);
        TestHub b = TestHub.start(1, SESSION);
        try (ClientNode client = a.client(1, SESSION, a.transports, List.of(a.address(), b.address()))) {
            TestHub.await("a session", WAIT, client::isConnected);
            TestHub first = a.node.sessionCount() == 1 ? a : b;
            TestHub other = first == a ? b : a;
            String device = client.deviceName();
            reaches(client, first);

            first.close();
            TestHub.await("a session with the other hub", WAIT,
                    () -> client.isConnected() && other.node.sessionCount() == 1);
            assertEquals(device, client.deviceName(), "the same TUN device");
            assertEquals(1, client.status().reconnects());
            reaches(client, other);
        } finally {
            a.close();
            b.close();
        }
    }

    /** A packet from client 1's address reaches {@code hub}'s TUN device: the hub took it as the client's own. */
    private static void reaches(ClientNode client, TestHub hub) throws Exception {
        byte[] hello = TestPackets.udp(TestHub.inet(TestHub.address(1)).getHostAddress(),
                TestHub.inet(TestHub.HUB_ADDRESS).getHostAddress(), new byte[] {1, 2, 3});
        MemoryTun.device(client.deviceName()).inject(hello);
        byte[] got;
        do {
            got = hub.device.awaitWritten(WAIT);
        } while (got != null && !java.util.Arrays.equals(got, hello));
        assertTrue(got != null, "the hub got the client's packet");
    }
}
