package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.TestPackets;
import java.io.DataInputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A session's send queue is bounded in bytes as well as in packets, so 64 KiB super-segments cannot pile up. */
class SendQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int QUEUE_BYTES = SessionSettings.MIN_SEND_QUEUE_BYTES;

    private static int queued(TestHub hub) {
        return hub.node.status().peers().getFirst().queued();
    }

    @Test
    void aPeerThatStopsReadingHoldsAtMostTheQueuesBytes() throws Exception {
        SessionSettings settings = new SessionSettings(Duration.ofSeconds(1), Duration.ofSeconds(5), 1024, QUEUE_BYTES);
        try (TestHub hub = TestHub.start(1, settings); Socket c1 = new Socket()) {
            c1.setReceiveBufferSize(4096); // before connecting, so the window stays small: the hub's queue fills
            c1.connect(hub.address());
            HubFirstFramesFuzzTest.handshake(new DataInputStream(c1.getInputStream()), c1.getOutputStream());
            TestHub.await("the session", WAIT, () -> !hub.node.status().peers().isEmpty());
            byte[] packet = TestPackets.udpOfSize("10.1.0.1", io.lwt.api.IpPackets.ipv4Text(TestHub.address(1)), 1400);
            for (int i = 0; i < 2000; i++) { // c1 never reads: what the socket buffers cannot take stays queued
                hub.device.inject(packet);
            }
            // the writer holds a batch it cannot send; behind it the queue fills up to its bytes and stays full
            int full = QUEUE_BYTES / (1 + 10 + 1400);
            TestHub.await("a full queue and drops", WAIT, () -> queued(hub) >= full - 1
                    && hub.node.counters().drops().getOrDefault("queue-full", 0L) > 0);
            assertTrue(queued(hub) <= full, queued(hub) + " packets queued, more than " + QUEUE_BYTES
                    + " bytes hold; the packet bound alone is 1024");
        }
    }
}
