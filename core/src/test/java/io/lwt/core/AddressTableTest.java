package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.lwt.api.IpPrefix;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.Route;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressTableTest {

    private final AddressTable<TestPeer> table = new AddressTable<>();

    @Test
    void firstClaimantKeepsTheAddressUntilReleased() {
        TestPeer alice = peer(1);
        TestPeer mallory = peer(2);
        assertSame(alice, table.claim(0x0a000002, alice));
        assertSame(alice, table.claim(0x0a000002, mallory), "a second claimant must not take the address");
        table.release(alice);
        assertNull(table.ownerOf(0x0a000002));
        assertSame(mallory, table.claim(0x0a000002, mallory));
    }

    @Test
    void findsEveryOwnerAfterGrowingAndReleasing() {
        List<TestPeer> sessions = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            TestPeer s = peer(i);
            sessions.add(s);
            table.claim(0x0a000000 + i * 7, s);
        }
        for (int i = 0; i < 1000; i += 2) {
            table.release(sessions.get(i));
        }
        for (int i = 0; i < 1000; i++) {
            TestPeer expected = i % 2 == 0 ? null : sessions.get(i);
            assertSame(expected, table.ownerOf(0x0a000000 + i * 7), "address #" + i);
        }
    }

    @Test
    void destinationOwnerReadsTheIpv4Destination() {
        TestPeer bob = peer(3);
        table.claim(0x0a000003, bob);
        ByteBuffer packet = ByteBuffer.wrap(io.lwt.testsupport.TestPackets.udp("10.0.0.2", "10.0.0.3", new byte[4]));
        assertSame(bob, table.destinationOwner(packet));
        assertNull(table.destinationOwner(ByteBuffer.wrap(new byte[] {0x45})), "too short to be IPv4");
    }

    private static ByteBuffer to(String destination) {
        return ByteBuffer.wrap(destination.contains(":")
                ? io.lwt.testsupport.TestPackets.udp6("fd00::1", destination, new byte[4])
                : io.lwt.testsupport.TestPackets.udp("10.0.0.1", destination, new byte[4]));
    }

    @Test
    void ipv6AddressesAreOwnedLikeIpv4Ones() {
        TestPeer alice = peer(1);
        TestPeer mallory = peer(2);
        assertSame(alice, table.claim(IpPrefix.literal("fd00::2"), alice));
        assertSame(alice, table.claim(IpPrefix.literal("fd00::2"), mallory), "a second claimant must not take it");
        assertSame(alice, table.destinationOwner(to("fd00::2")));
        assertNull(table.destinationOwner(to("fd00::3")));
        assertNull(table.destinationOwner(to("fd01::2")), "the high half counts too");
        table.release(alice);
        assertNull(table.destinationOwner(to("fd00::2")));
    }

    @Test
    void theFamiliesNeverMeet() {
        TestPeer alice = peer(1);
        table.claim(IpPrefix.literal("10.0.0.2"), alice);
        assertSame(alice, table.destinationOwner(to("10.0.0.2")));
        assertNull(table.destinationOwner(to("::a00:2")), "an IPv6 address with the same low 32 bits");
        assertNull(table.destinationOwner(to("::ffff:a00:2")), "nor an IPv4-mapped one");
        table.claimSubnet(IpPrefix.parse("0.0.0.0/0"), alice);
        assertNull(table.destinationOwner(to("fd00::9")), "an IPv4 default route holds no IPv6 address");
    }

    @Test
    void subnetsOfBothFamiliesMatchTheLongestPrefix() {
        TestPeer wide = peer(1);
        TestPeer narrow = peer(2);
        TestPeer exact = peer(3);
        assertSame(wide, table.claimSubnet(IpPrefix.parse("fd00:50::/32"), wide));
        assertSame(narrow, table.claimSubnet(IpPrefix.parse("fd00:50:0:7::/64"), narrow));
        assertSame(wide, table.claimSubnet(IpPrefix.parse("fd00:50::/32"), narrow), "held by the first");
        table.claim(IpPrefix.literal("fd00:50:0:7::1"), exact);
        assertSame(narrow, table.destinationOwner(to("fd00:50:0:7::2")));
        assertSame(exact, table.destinationOwner(to("fd00:50:0:7::1")), "an exact address before any subnet");
        assertSame(wide, table.destinationOwner(to("fd00:50:ffff::1")));
        assertNull(table.destinationOwner(to("fd00:51::1")));
        table.claimSubnet(IpPrefix.parse("192.168.0.0/16"), wide);
        table.claimSubnet(IpPrefix.parse("192.168.50.0/24"), narrow);
        assertSame(narrow, table.destinationOwner(to("192.168.50.9")));
        assertSame(wide, table.destinationOwner(to("192.168.51.9")));
        table.release(narrow);
        assertSame(wide, table.destinationOwner(to("fd00:50:0:7::2")), "released: the wider one again");
        assertSame(wide, table.destinationOwner(to("192.168.50.9")));
    }

    /** A peer as a third-party routing policy might see one: the table needs nothing of a session. */
    private record TestPeer(int id) implements Peer {
        @Override
        public String name() {
            return "peer " + id;
        }

        @Override
        public Route.ToPeer route() {
            return new Route.ToPeer(this);
        }
    }

    private static TestPeer peer(int id) {
        return new TestPeer(id);
    }
}
