package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.TestPackets;
import java.io.DataInputStream;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A session's send queue is bounded in bytes as well as in packets, so 64 KiB super-segments cannot pile up. */
class SendQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int QUEUE_BYTES = SessionSettings.MIN_SEND_QUEUE_BYTES;

    private static int queued(TestHub hub) {
        return hub.node.status().peers().getFirst().queued();
    }

    @Test
    void aPeerThatStopsReadingHoldsAtMostTheQueuesBytes() throws Exception {
        // a timeout far beyond the test: c1 sends nothing after its handshake
        SessionSettings settings = new SessionSettings(Duration.ofSeconds(10), Duration.ofSeconds(120), 1024, QUEUE_BYTES);
        try (TestHub hub = TestHub.start(1, settings); Socket c1 = new Socket()) {
            c1.setReceiveBufferSize(4096); // before connecting, so the window stays small
            c1.connect(hub.address());
            HubFirstFramesFuzzTest.handshake(new DataInputStream(c1.getInputStream()), c1.getOutputStream());
            TestHub.await("the session", WAIT, () -> !hub.node.status().peers().isEmpty());
            byte[] packet = TestPackets.udpOfSize("10.1.0.1", io.lwt.api.IpPackets.ipv4Text(TestHub.address(1)), 1400);
            // c1 never reads: once the socket buffers (which the kernel may grow to megabytes) are full, the writer
            // blocks with a batch in hand and the queue behind it fills up to its bytes and stays full
            int full = QUEUE_BYTES / (1 + 10 + 1400);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (queued(hub) < full - 1 || hub.node.counters().drops().getOrDefault("queue-full", 0L) == 0) {
                assertTrue(System.nanoTime() < deadline, "the queue filled: " + hub.node.status());
                for (int i = 0; i < 100; i++) {
                    hub.device.inject(packet);
                }
                Thread.sleep(10); // lets the hub's TUN reader take them: injection outpaces it otherwise
            }
            assertTrue(queued(hub) <= full, queued(hub) + " packets queued, more than " + QUEUE_BYTES
                    + " bytes hold; the packet bound alone is 1024");
        }
    }
}
