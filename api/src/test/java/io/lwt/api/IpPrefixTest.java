package io.lwt.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class IpPrefixTest {

    @Test
    void parsesAddressAndPrefix() {
        IpPrefix p = IpPrefix.parse("10.0.0.2/24");
        assertTrue(p.isIpv4());
        assertEquals(0x0a000002, p.ipv4());
        assertEquals(24, p.prefixLength());
        assertEquals("10.0.0.2/24", p.toString());
        assertEquals(32, IpPrefix.parse("10.0.0.2").prefixLength());
        assertEquals(64, IpPrefix.parse("fd00::1/64").prefixLength());
    }

    @Test
    void containsComparesNetworks() {
        IpPrefix p = IpPrefix.parse("10.0.0.1/24");
        assertTrue(p.containsIpv4(0x0a0000fe));
        assertFalse(p.containsIpv4(0x0a000100));
        assertTrue(IpPrefix.parse("0.0.0.0/0").containsIpv4(0x7f000001));
    }

    @Test
    void rejectsWhatIsNotALiteralAddress() {
        assertEquals("'example.com' is not an IP address",
                assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("example.com/24")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.256/24"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.1/33"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0.1/x"));
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse("10.0.0/8"));
    }

    @Test
    void readsIpv4HeaderFieldsInPlace() {
        ByteBuffer packet = ByteBuffer.allocate(40);
        packet.put(8, (byte) 0x45).putInt(8 + 12, 0x0a000002).putInt(8 + 16, 0x0a000003);
        packet.position(8).limit(8 + 28);
        assertEquals(4, IpPackets.version(packet));
        assertEquals(0x0a000002, IpPackets.ipv4Source(packet));
        assertEquals(0x0a000003, IpPackets.ipv4Destination(packet));
        assertEquals("10.0.0.3", IpPackets.ipv4Text(0x0a000003));
        assertEquals(8, packet.position(), "position unchanged");
        assertEquals(0, IpPackets.version(packet.limit(8 + 19)), "shorter than an IPv4 header");
    }

    @Test
    void readsIpv6HeaderFieldsInPlace() {
        ByteBuffer packet = ByteBuffer.allocate(64);
        packet.put(4, (byte) 0x60).putLong(4 + 8, 0xfd00_0000_0000_0000L).putLong(4 + 16, 2)
                .putLong(4 + 24, 0xfe80_0000_0000_0000L).putLong(4 + 32, 0x1234);
        packet.position(4).limit(4 + 40);
        assertEquals(6, IpPackets.version(packet));
        assertEquals(0xfd00_0000_0000_0000L, IpPackets.ipv6SourceHigh(packet));
        assertEquals(2, IpPackets.ipv6SourceLow(packet));
        assertEquals(0xfe80_0000_0000_0000L, IpPackets.ipv6DestinationHigh(packet));
        assertEquals(0x1234, IpPackets.ipv6DestinationLow(packet));
        assertEquals("fd00::2", IpPackets.sourceText(packet));
        assertEquals(4, packet.position(), "position unchanged");
        assertEquals(0, IpPackets.version(packet.limit(4 + 39)), "shorter than an IPv6 header");
    }

    @Test
    void ipv6TextIsTheShortestForm() {
        assertEquals("fd00::2", IpPrefix.text(IpPrefix.literal("fd00:0:0:0:0:0:0:2")));
        assertEquals("::", IpPackets.ipv6Text(0, 0));
        assertEquals("::1", IpPackets.ipv6Text(0, 1));
        assertEquals("1::", IpPackets.ipv6Text(0x0001_0000_0000_0000L, 0));
        assertEquals("2001:db8::1:0:0:1", IpPrefix.text(IpPrefix.literal("2001:db8:0:0:1:0:0:1")), "the first longest run");
        assertEquals("2001:db8:0:1:1:1:1:1", IpPrefix.text(IpPrefix.literal("2001:db8:0:1:1:1:1:1")), "not a single zero");
        assertEquals("fd00:1::/64", IpPrefix.parse("FD00:1:0::/64").toString());
        assertEquals("10.0.0.2/24", IpPrefix.parse("10.0.0.2/24").toString());
    }
}
