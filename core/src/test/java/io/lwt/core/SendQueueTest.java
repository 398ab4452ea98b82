package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.TestPackets;
import java.io.DataInputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A session's send queue: bounded in bytes as well as in packets, so 64 KiB super-segments cannot pile up; small
 * packets of other flows pass a bulk flow without reordering any flow; CoDel bounds the time bulk waits.
 */
class SendQueueTest {

    private static final int BULK_FLOW = SendQueue.bucket(1);
    private static final int PING_FLOW = SendQueue.bucket(2);
    private final long[] now = {1};
    private final List<ByteBuffer> dropped = new ArrayList<>();
    private final SendQueue queue = new SendQueue(1024, 16 << 20, () -> now[0], dropped::add);

    private static ByteBuffer message(byte type, int size, int id) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(0, type).putInt(1, id);
        return b;
    }

    private static ByteBuffer packet(int size, int id) {
        return message(Messages.DATA, size, id);
    }

    private static int id(ByteBuffer message) {
        return message.getInt(1);
    }

    /** Takes everything queued, in the order the writer would send it. */
    private List<Integer> takeAll() throws InterruptedException {
        List<Integer> ids = new ArrayList<>();
        ByteBuffer[] batch = new ByteBuffer[Link.BATCH];
        while (!queue.isEmpty()) {
            batch[0] = queue.takeFirst(0);
            int n = queue.fill(batch, 1, batch.length, Integer.MAX_VALUE);
            for (int i = 0; i < n; i++) {
                ids.add(id(batch[i]));
            }
            queue.written(n);
        }
        return ids;
    }

    @Test
    void aSmallPacketOfAnotherFlowPassesABulkFlow() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertTrue(queue.offer(packet(1400, i), BULK_FLOW));
        }
        assertTrue(queue.offer(packet(84, 100), PING_FLOW));
        assertEquals(List.of(100, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), takeAll());
        assertTrue(queue.isIdle());
    }

    @Test
    void noFlowIsReordered() throws Exception {
        queue.offer(packet(40, 0), BULK_FLOW); // an acknowledgement first: nothing of its flow waits, so it goes sparse
        queue.offer(packet(1400, 1), BULK_FLOW);
        queue.offer(packet(40, 2), BULK_FLOW); // the flow now waits in bulk: this one stays behind it
        queue.offer(message(Messages.KEEPALIVE, SendQueue.SPARSE_MAX_BYTES + 1, 3), SendQueue.CONTROL);
        queue.offer(message(Messages.KEEPALIVE, 9, 4), SendQueue.CONTROL); // so a control message after a large one
        queue.offer(packet(84, 5), PING_FLOW);
        assertEquals(List.of(0, 5, 1, 2, 3, 4), takeAll());
    }

    @Test
    void aFloodOfSmallPacketsTakesAtMostHalfOfABatchWhileBulkWaits() throws Exception {
        for (int i = 0; i < 10; i++) {
            queue.offer(packet(1400, 1000 + i), BULK_FLOW);
        }
        for (int i = 0; i < SendQueue.SPARSE_CAPACITY; i++) {
            queue.offer(packet(64, i), SendQueue.bucket(100 + i));
        }
        ByteBuffer[] batch = new ByteBuffer[Link.BATCH];
        batch[0] = queue.takeFirst(0);
        int n = queue.fill(batch, 1, batch.length, Integer.MAX_VALUE);
        long bulk = java.util.Arrays.stream(batch, 0, n).filter(b -> id(b) >= 1000).count();
        assertEquals(Link.BATCH, n);
        assertEquals(10, bulk, "all of bulk in the first batch, beside half a batch of small packets");
    }

    @Test
    void aBatchStopsAtItsBytesButTakesAtLeastOneMessage() throws Exception {
        for (int i = 0; i < 4; i++) {
            queue.offer(packet(60_000, i), BULK_FLOW);
        }
        ByteBuffer[] batch = new ByteBuffer[Link.BATCH];
        batch[0] = queue.takeFirst(0);
        assertEquals(1, queue.fill(batch, 1, batch.length, 1000));
        assertEquals(3, queue.fill(batch, 0, batch.length, 130_000));
    }

    @Test
    void codelDropsPacketsThatStandAboveItsTargetForAnIntervalAndNeverAControlMessage() throws Exception {
        for (int i = 0; i < 200; i++) { // 280 KB: more than one super-segment waits, so CoDel may act
            queue.offer(packet(1400, i), BULK_FLOW);
        }
        now[0] += SendQueue.TARGET - 1;
        assertEquals(0, id(queue.takeFirst(0)), "below the target nothing is dropped");
        now[0] += 2;
        assertEquals(1, id(queue.takeFirst(0)), "above the target, but not yet for an interval");
        now[0] += SendQueue.INTERVAL;
        assertEquals(3, id(queue.takeFirst(0)), "an interval above the target: the head is dropped");
        assertEquals(List.of(2), dropped.stream().map(SendQueueTest::id).toList());

        queue.clear(b -> { });
        dropped.clear();
        queue.written(3);
        assertTrue(queue.isIdle());
        queue.offer(message(Messages.KEEPALIVE, SendQueue.SPARSE_MAX_BYTES + 1, 7), SendQueue.CONTROL);
        for (int i = 0; i < 200; i++) {
            queue.offer(packet(1400, i), BULK_FLOW);
        }
        now[0] += 10 * SendQueue.INTERVAL;
        assertEquals(7, id(queue.takeFirst(0)), "a control message is kept; taking it starts CoDel's clock");
        queue.written(1);
        now[0] += 10 * SendQueue.INTERVAL;
        List<Integer> sent = takeAll();
        assertTrue(dropped.size() > 0 && dropped.stream().allMatch(b -> b.get(0) == Messages.DATA), dropped.toString());
        assertEquals(200 - dropped.size(), sent.size(), "every message is sent or dropped, once");
        assertTrue(queue.isIdle());
    }

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
