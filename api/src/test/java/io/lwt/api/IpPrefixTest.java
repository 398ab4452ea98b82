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
}
