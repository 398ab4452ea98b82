package io.lwt.core.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPrefix;
import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    private static final byte[] KEY = new byte[32];

    @Test
    void answersRoundTrip() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(512);
        Grant grant = new Grant(IpPrefix.parse("10.0.0.7/24"), null, 9000, Duration.ofSeconds(10),
                Duration.ofSeconds(30), List.of(IpPrefix.parse("192.168.50.0/24")), true);
        grant.write(b.clear());
        Grant g = (Grant) Answer.read(b.flip());
        assertTrue(g.takesSuperSegments());
        assertEquals(grant.address(), g.address());
        assertEquals(9000, g.mtu());
        assertEquals(Duration.ofSeconds(30), g.timeout());
        assertEquals(grant.routes(), g.routes());
        assertNull(g.ipv6Address(), "no IPv6 without the extension");

        new Reject(Reject.Reason.POOL_EXHAUSTED, "full").write(b.clear());
        Reject r = (Reject) Answer.read(b.flip());
        assertEquals(Reject.Reason.POOL_EXHAUSTED, r.reason());
        assertFalse(r.reason().permanent());
        assertEquals("full", r.text());
    }

    @Test
    void garbageIsAProtocolErrorNeverAnAllocation() {
        assertEquals("handshake version 9 is not supported (this node speaks 2)",
                assertThrows(ProtocolException.class, () -> Initiation.read(ByteBuffer.wrap(new byte[] {9}))).getMessage());
        assertThrows(ProtocolException.class, () -> Initiation.read(ByteBuffer.wrap(new byte[] {2, 2, 3})));
        ByteBuffer huge = ByteBuffer.allocate(2000).put((byte) 2);
        assertEquals("initiation: 1999 bytes, not a Noise message and its MAC",
                assertThrows(ProtocolException.class, () -> Initiation.read(huge.position(2000).flip())).getMessage());
        ByteBuffer manyRoutes = ByteBuffer.allocate(100).put(Answer.GRANT).put(new byte[] {10, 0, 0, 1, 24})
                .putShort((short) 1400).putInt(1000).putInt(3000).put((byte) 255);
        assertThrows(ProtocolException.class, () -> Answer.read(manyRoutes.flip()));
        assertThrows(ProtocolException.class, () -> Answer.read(ByteBuffer.wrap(new byte[] {Answer.REJECT, 99, 0})));
    }

    private static Grant dualStack(List<IpPrefix> routes) {
        return new Grant(IpPrefix.parse("10.0.0.7/24"), IpPrefix.parse("fd00::7/64"), 1400, Duration.ofSeconds(10),
                Duration.ofSeconds(30), routes, false);
    }

    private static byte[] written(Grant grant) {
        ByteBuffer b = ByteBuffer.allocate(2048);
        grant.write(b);
        byte[] bytes = new byte[b.flip().remaining()];
        b.get(bytes);
        return bytes;
    }

    @Test
    void ipv6AddressAndRoutesRoundTripAfterTheIpv4Part() throws Exception {
        List<IpPrefix> routes = List.of(IpPrefix.parse("192.168.50.0/24"), IpPrefix.parse("fd00:50::/64"),
                IpPrefix.parse("172.20.0.0/16"), IpPrefix.parse("2001:db8::/32"));
        Grant welcome = dualStack(routes);
        Grant read = (Grant) Answer.read(ByteBuffer.wrap(written(welcome)));
        assertEquals(IpPrefix.parse("10.0.0.7/24"), read.address());
        assertEquals(IpPrefix.parse("fd00::7/64"), read.ipv6Address());
        assertEquals(List.of(IpPrefix.parse("192.168.50.0/24"), IpPrefix.parse("172.20.0.0/16"),
                IpPrefix.parse("fd00:50::/64"), IpPrefix.parse("2001:db8::/32")), read.routes(), "IPv4 routes, then IPv6");

        // what a reader from before IPv6 sees: the same bytes as an IPv4-only WELCOME, then extensions it never reads
        byte[] ipv4Only = written(new Grant(IpPrefix.parse("10.0.0.7/24"), null, 1400, Duration.ofSeconds(10),
                Duration.ofSeconds(30), routes.stream().filter(IpPrefix::isIpv4).toList(), false));
        byte[] both = written(welcome);
        assertArrayEquals(ipv4Only, java.util.Arrays.copyOf(both, ipv4Only.length));
        assertEquals(3 * (2 + 17), both.length - ipv4Only.length, "one address and two routes, 19 bytes each");
    }

    @Test
    void unknownExtensionsAreSkipped() throws Exception {
        byte[] known = written(dualStack(List.of()));
        ByteBuffer later = ByteBuffer.allocate(known.length + 6).put(known).put(new byte[] {(byte) 0x99, 4, 1, 2, 3, 4});
        Grant read = (Grant) Answer.read(later.flip());
        assertEquals(IpPrefix.parse("fd00::7/64"), read.ipv6Address());
    }

    @Test
    void aWelcomeWithTheMostRoutesFitsTheSmallestIpv6Mtu() {
        List<IpPrefix> routes = new java.util.ArrayList<>();
        for (int i = 0; i < Grant.MAX_ROUTES; i++) {
            routes.add(IpPrefix.parse("10." + i + ".0.0/16"));
        }
        for (int i = 0; i < Grant.MAX_IPV6_ROUTES; i++) {
            routes.add(IpPrefix.parse("fd00:" + Integer.toHexString(i + 1) + "::/64"));
        }
        assertTrue(written(dualStack(routes)).length <= io.lwt.api.tun.TunOptions.MIN_IPV6_MTU);
        routes.add(IpPrefix.parse("fd99::/64"));
        assertThrows(IllegalArgumentException.class, () -> dualStack(routes), "the hub trims before it writes");
    }

    @Test
    void truncatedOrMalformedIpv6ExtensionsAreProtocolErrors() {
        byte[] full = written(dualStack(List.of(IpPrefix.parse("fd00:50::/64"))));
        int ipv4Part = full.length - 2 * (2 + 17);
        for (int cut = ipv4Part + 1; cut < full.length; cut++) {
            if (cut == ipv4Part + 19) {
                continue; // the address alone, without the route: complete
            }
            byte[] truncated = java.util.Arrays.copyOf(full, cut);
            assertEquals("welcome: truncated", assertThrows(ProtocolException.class,
                    () -> Answer.read(ByteBuffer.wrap(truncated)), "cut at " + cut).getMessage());
        }
        byte[] badLength = full.clone();
        badLength[ipv4Part + 1] = 16;
        assertEquals("welcome: an IPv6 extension of 16 bytes, not 17",
                assertThrows(ProtocolException.class, () -> Answer.read(ByteBuffer.wrap(badLength))).getMessage());
        byte[] badPrefix = full.clone();
        badPrefix[ipv4Part + 18] = (byte) 129;
        assertEquals("welcome: invalid IPv6 prefix length 129",
                assertThrows(ProtocolException.class, () -> Answer.read(ByteBuffer.wrap(badPrefix))).getMessage());
        byte[] twoAddresses = full.clone();
        twoAddresses[ipv4Part + 19] = 1; // the route's type becomes another address
        assertEquals("welcome: two IPv6 addresses",
                assertThrows(ProtocolException.class, () -> Answer.read(ByteBuffer.wrap(twoAddresses))).getMessage());
    }

    @Test
    void tooManyIpv6RoutesOrAMappedIpv4AddressAreNotTakenAsGiven() throws Exception {
        byte[] base = written(dualStack(List.of()));
        ByteBuffer many = ByteBuffer.allocate(base.length + 33 * 19).put(base);
        for (int i = 0; i < 33; i++) {
            many.put((byte) 2).put((byte) 17).putLong(0xfd00_0000_0000_0000L + i).putLong(0).put((byte) 64);
        }
        assertEquals("welcome: more than 32 IPv6 routes",
                assertThrows(ProtocolException.class, () -> Answer.read(many.flip())).getMessage());
        ByteBuffer mapped = ByteBuffer.allocate(base.length + 19).put(base)
                .put((byte) 2).put((byte) 17).putLong(0).putLong(0x0000_ffff_0a00_0001L).put((byte) 128);
        IpPrefix route = ((Grant) Answer.read(mapped.flip())).routes().getLast();
        assertFalse(route.isIpv4(), "::ffff:10.0.0.1 stays an IPv6 route, never an IPv4 one: " + route);
    }

    @Test
    void randomGarbageAfterTheIpv4PartNeverEscapesAsAnythingButAProtocolError() {
        byte[] base = written(dualStack(List.of()));
        java.util.Random random = new java.util.Random(10);
        for (int i = 0; i < 10_000; i++) {
            byte[] tail = new byte[random.nextInt(64)];
            random.nextBytes(tail);
            ByteBuffer message = ByteBuffer.allocate(base.length + tail.length).put(base).put(tail).flip();
            try {
                Answer.read(message);
            } catch (ProtocolException expected) {
                // fine: one line, closing only that session
            }
        }
    }
}
