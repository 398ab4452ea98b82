package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lwt.api.IpPrefix;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolStateTest {

    private static final HubAccess.AddressPool DUAL = HubAccess.AddressPool.parse("10.0.0.100-10.0.0.101", "fd00::100-fd00::1ff");

    @Test
    void aFileFromBeforeIpv6KeepsItsAddressesAndGainsIpv6Ones(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hub-pool.state");
        Files.writeString(file, "#lwt pool addresses by client name\nalice=10.0.0.101\ngone=10.0.0.7\n");
        PoolState state = new PoolState(DUAL, file);
        assertEquals(IpPrefix.literal("10.0.0.101"), state.assign("alice", true), "kept from the old file");
        assertEquals(IpPrefix.literal("fd00::100"), state.assign("alice", false));
        assertEquals(IpPrefix.literal("10.0.0.100"), state.assign("bob", true), "10.0.0.7 left the pool: forgotten");
        assertEquals(IpPrefix.literal("fd00::101"), state.assign("bob", false));
        assertNull(state.assign("carol", true), "the IPv4 range is exhausted");

        PoolState reread = new PoolState(DUAL, file);
        assertEquals(IpPrefix.literal("fd00::100"), reread.assign("alice", false), "kept across a restart");
        assertEquals(IpPrefix.literal("10.0.0.100"), reread.assign("bob", true));
        assertEquals(IpPrefix.literal("fd00::102"), reread.assign("dave", false));

        PoolState ipv4Only = new PoolState(HubAccess.AddressPool.parse("10.0.0.100-10.0.0.101"), file);
        assertNull(ipv4Only.assign("erin", false), "no IPv6 range");
        assertEquals(IpPrefix.literal("10.0.0.101"), ipv4Only.assign("alice", true));
    }

    @Test
    void rangesAreCheckedWhenParsed() {
        assertEquals("two IPv4 ranges: a pool has at most one of each family", assertThrows(IllegalArgumentException.class,
                () -> HubAccess.AddressPool.parse("10.0.0.1-10.0.0.2", "10.0.1.1-10.0.1.2")).getMessage());
        assertEquals("fd00::2-fd00::1 is not an ascending range of one family", assertThrows(IllegalArgumentException.class,
                () -> HubAccess.AddressPool.parse("fd00::2-fd00::1")).getMessage());
        assertEquals("10.0.0.1-fd00::1 is not an ascending range of one family", assertThrows(IllegalArgumentException.class,
                () -> HubAccess.AddressPool.parse("10.0.0.1-fd00::1")).getMessage());
        HubAccess.AddressRange wide = HubAccess.AddressRange.parse("fd00::-fd00::ffff:ffff:ffff:ffff");
        assertEquals(IpPrefix.literal("fd00::3"), wide.lowestFree(a -> a.equals(IpPrefix.literal("fd00::"))
                || a.equals(IpPrefix.literal("fd00::1")) || a.equals(IpPrefix.literal("fd00::2"))), "a /64 is no problem");
    }
}
