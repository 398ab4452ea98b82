package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PendingConnectionsTest {

    private static final long SECOND = 1_000_000_000L;

    private final Set<String> done = new HashSet<>();
    private final PendingConnections<String> pending = new PendingConnections<>(s -> !done.contains(s));

    @Test
    void oneAddressGetsItsShareAndNoMore() throws Exception {
        InetAddress host = InetAddress.getByName("192.0.2.7");
        fill(host, PendingConnections.PER_ADDRESS, "a");
        assertEquals("8 connections from this address are still in the handshake", pending.refusal(host, 256));
        assertNull(pending.refusal(InetAddress.getByName("192.0.2.8"), 256), "a neighbour still gets in");
        done.add("a0");
        assertNull(pending.refusal(host, 256), "a place of its own is free again once one authenticates or closes");
    }

    @Test
    void oneIpv4SlashTwentyFourOrIpv6SlashSixtyFourGetsItsShare() throws Exception {
        for (int i = 0; i < PendingConnections.PER_NETWORK; i++) {
            pending.add("v4-" + i, InetAddress.getByName("198.51.100." + (i + 1)), 256, 0);
            pending.add("v6-" + i, InetAddress.getByName("2001:db8:1:2::" + Integer.toHexString(i + 1)), 256, 0);
        }
        assertEquals("32 connections from 198.51.100.0/24 are still in the handshake",
                pending.refusal(InetAddress.getByName("198.51.100.200"), 256));
        assertEquals("32 connections from 2001:db8:1:2::/64 are still in the handshake",
                pending.refusal(InetAddress.getByName("2001:db8:1:2:ffff::1"), 256));
        assertNull(pending.refusal(InetAddress.getByName("198.51.101.1"), 256), "the next /24 is another network");
        assertNull(pending.refusal(InetAddress.getByName("2001:db8:1:3::1"), 256), "the next /64 is another network");
    }

    @Test
    void aNewcomerFindingEveryPlaceTakenEvictsTheOldest() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertNull(pending.add("c" + i, InetAddress.getByName("203.0.113." + i), 4, i));
        }
        assertEquals("c0", pending.add("c4", InetAddress.getByName("203.0.113.4"), 4, 4));
        done.add("c1");
        assertNull(pending.add("c5", InetAddress.getByName("203.0.113.5"), 4, 5), "c1 left: a place was free");
        assertEquals(4, pending.size());
    }

    @Test
    void underPressureSlowHandshakesAreOverdue() throws Exception {
        InetAddress host = InetAddress.getByName("192.0.2.1");
        pending.add("old", host, 4, 0);
        assertEquals(List.of(), pending.overdue(4, 3 * SECOND), "one of four places taken: no pressure");
        pending.add("young", host, 4, 2 * SECOND);
        assertEquals(List.of("old"), pending.overdue(4, 3 * SECOND), "half taken: older than 2 s is overdue");
        assertEquals(1, pending.size());
    }

    @Test
    void theTotalLimitBoundsTheSharesToo() throws Exception {
        InetAddress host = InetAddress.getByName("192.0.2.9");
        fill(host, 2, "t");
        assertEquals("2 connections from this address are still in the handshake", pending.refusal(host, 2));
    }

    private void fill(InetAddress host, int count, String prefix) {
        for (int i = 0; i < count; i++) {
            assertNull(pending.add(prefix + i, host, 256, i));
        }
    }
}
