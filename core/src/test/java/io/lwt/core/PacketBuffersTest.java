package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.Allocations;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketBuffersTest {

    @Test
    void buffersComePositionedWithHeadroomAndRoomForOneMtu() {
        PacketBuffers pool = new PacketBuffers(1400, 0);
        ByteBuffer b = pool.acquire();
        assertTrue(b.isDirect());
        assertEquals(PacketBuffers.HEADROOM, b.position());
        assertEquals(1400, b.remaining());
        assertEquals(PacketBuffers.HEADROOM + 1400, b.capacity(), "no tailroom when the codec needs none");
    }

    @Test
    void reservesTheCodecsTailroomAfterThePacket() {
        PacketBuffers pool = new PacketBuffers(1400, 1500);
        ByteBuffer b = pool.acquire();
        assertEquals(1400, b.remaining());
        assertEquals(1500, b.capacity() - b.limit());
        b.position(7).limit(b.capacity());
        assertSame(b, pool.reset(b));
        assertEquals(PacketBuffers.HEADROOM, b.position(), "reset for the next packet");
        assertEquals(1500, b.capacity() - b.limit());
    }

    @Test
    void refusesATailroomBeyondTheBound() {
        assertThrows(IllegalArgumentException.class, () -> new PacketBuffers(1400, PacketBuffers.MAX_TAILROOM + 1));
        assertThrows(IllegalArgumentException.class, () -> new PacketBuffers(1400, -1));
    }

    @Test
    void releasedBuffersAreReusedNotReallocated() {
        PacketBuffers pool = new PacketBuffers(1400, 64);
        ByteBuffer b = pool.acquire();
        b.position(10).limit(20);
        pool.release(b);
        ByteBuffer again = pool.acquire();
        assertSame(b, again);
        assertEquals(PacketBuffers.HEADROOM, again.position(), "reset on acquire");
        assertEquals(1, pool.allocated());
    }

    @Test
    void acquiringAndReleasingAllocatesNothingOnceWarm() throws Exception {
        PacketBuffers pool = new PacketBuffers(1400, 0);
        ByteBuffer[] held = new ByteBuffer[64];
        Allocations.Work batches = () -> { // as the TUN reader and the writers use it: a batch out, then back
            for (int round = 0; round < 1000; round++) {
                for (int i = 0; i < held.length; i++) {
                    held[i] = pool.acquire();
                }
                for (ByteBuffer b : held) {
                    pool.release(b);
                }
            }
        };
        batches.run(); // the pool's buffers and its stack are made, the code compiled
        long allocated = Allocations.of(batches);
        assertTrue(allocated < 64 * 1024, allocated + " bytes for 64,000 acquire/release pairs");
    }

    @Test
    void stopsAtTheMemoryBudget() {
        int mtu = 65535;
        PacketBuffers pool = new PacketBuffers(mtu, PacketBuffers.MAX_TAILROOM);
        List<ByteBuffer> held = new ArrayList<>();
        ByteBuffer b;
        while ((b = pool.acquire()) != null) {
            held.add(b);
        }
        long bytes = (long) held.size() * held.getFirst().capacity();
        assertTrue(bytes <= PacketBuffers.BUDGET_BYTES, bytes + " bytes exceed the budget");
        pool.release(held.removeLast());
        assertNotNull(pool.acquire(), "a released buffer is available again");
        assertNull(pool.acquire());
    }

    @Test
    void aFixedPoolNeverMakesMoreThanItsBuffers() {
        BufferPool pool = new BufferPool(1024, 2);
        ByteBuffer a = pool.acquire();
        ByteBuffer b = pool.acquire();
        assertNull(pool.acquire(), "exhausted");
        pool.release(a);
        assertSame(a, pool.acquire());
        pool.release(b);
        assertEquals(2, pool.allocated());
    }
}
