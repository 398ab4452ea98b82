package io.lwt.core;

import static io.lwt.testsupport.TestPackets.ACK;
import static io.lwt.testsupport.TestPackets.CWR;
import static io.lwt.testsupport.TestPackets.FIN;
import static io.lwt.testsupport.TestPackets.PSH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.tun.VirtioNetHeader;
import io.lwt.core.Segmenter.Drop;
import io.lwt.testsupport.Fuzz;
import io.lwt.testsupport.TestPackets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Segmenter} against super-segments and partial checksums as Linux makes them, checked field by field and
 * with a checksum routine of its own ({@link TestPackets#checksum}); and against malformed and mutated ones, which
 * must give a drop, never an exception.
 */
class SegmenterTest {

    private static final int ROOM = 1600;
    private static final int SEQ = 0xffff_f000; // wraps within the first 4 KB
    private static final int FLAGS = ACK | PSH | FIN | CWR;
    private static final byte[] IP_OPTIONS = {(byte) 0x94, 4, 0, 0}; // router alert
    private static final byte[] TCP_OPTIONS = {1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}; // NOP NOP timestamps

    /** Direct buffers as the engine's pool hands them out (headroom, limit at the end of the room), null after the last. */
    private static final class Pool implements IntFunction<ByteBuffer> {
        private final ByteBuffer[] buffers;
        private final int room;
        private int next;

        Pool(int count, int room) {
            this(count, room, ByteOrder.BIG_ENDIAN);
        }

        Pool(int count, int room, ByteOrder order) {
            this.room = room;
            this.buffers = new ByteBuffer[count];
            for (int i = 0; i < count; i++) {
                buffers[i] = ByteBuffer.allocateDirect(PacketBuffers.HEADROOM + room + 64).order(order);
                while (buffers[i].hasRemaining()) {
                    buffers[i].put((byte) 0x5a); // not zeros, so that a byte left unwritten shows
                }
            }
        }

        /** The next buffer, or null after the last or when its room is less than {@code length}, as PacketBuffers does. */
        @Override
        public ByteBuffer apply(int length) {
            return next == buffers.length || length > room ? null
                    : buffers[next++].limit(PacketBuffers.HEADROOM + room).position(PacketBuffers.HEADROOM);
        }

        void reset() {
            next = 0;
        }
    }

    private record Outcome(int result, List<byte[]> segments) {}

    @ParameterizedTest(name = "IPv{0}, {1} payload bytes in segments of {2}, options {3}, ECN {4}")
    @CsvSource({
        "4, 10000, 1000, false, false", // ten full segments
        "4, 10000, 1448, false, false", // the last one short
        "4, 10240, 1000, true,  false",
        "4, 10240, 1000, false, true",
        "4, 65000, 1448, true,  true",  // near the largest IPv4 packet
        "4, 1000,  1448, false, false", // fits in one
        "4, 1448,  1448, false, false",
        "4, 0,     1448, false, false",
        "6, 10000, 1000, false, false",
        "6, 10000, 1448, true,  false",
        "6, 10240, 1000, false, true",
        "6, 65000, 1440, true,  false",
        "6, 1000,  1440, false, false",
    })
    void cutsASuperSegment(int version, int payloadLength, int gsoSize, boolean options, boolean ecn)
            throws IOException {
        byte[] payload = payload(payloadLength);
        byte[] original = version == 4
                ? TestPackets.tcp("10.0.0.2", "10.0.0.1", 40000, 443, SEQ, FLAGS,
                        options ? IP_OPTIONS : new byte[0], options ? TCP_OPTIONS : new byte[0], payload)
                : TestPackets.tcp6("fd00::2", "fd00::1", 40000, 443, SEQ, FLAGS, options ? TCP_OPTIONS : new byte[0], payload);
        int type = (version == 4 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_TCPV6) | (ecn ? VirtioNetHeader.GSO_ECN : 0);
        int ipLength = original.length - payloadLength - (options ? 32 : 20);
        int headers = original.length - payloadLength;
        Outcome outcome = split(original, new VirtioNetHeader(VirtioNetHeader.NEEDS_CSUM, type, headers, gsoSize, ipLength, 16),
                new Pool(64, ROOM));

        int count = Math.max(1, Math.ceilDiv(payloadLength, gsoSize));
        assertEquals(count, outcome.result());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            byte[] s = outcome.segments().get(i);
            boolean last = i == count - 1;
            assertEquals(last ? payloadLength - i * gsoSize : gsoSize, s.length - headers, "payload of segment " + i);
            // the original's headers with what the segmenter must change, as this test computes it
            byte[] expected = Arrays.copyOf(original, headers);
            if (version == 4) {
                putU16(expected, 2, s.length);
                putU16(expected, 4, 0x1234 + i);
                putU16(expected, 10, u16(s, 10)); // checked below
                assertEquals(0, TestPackets.checksum(s, 0, ipLength), "IPv4 header checksum of segment " + i);
            } else {
                putU16(expected, 4, s.length - 40);
            }
            putU16(expected, ipLength + 4, (SEQ + i * gsoSize) >>> 16);
            putU16(expected, ipLength + 6, SEQ + i * gsoSize);
            expected[ipLength + 13] = (byte) (FLAGS & (last ? 0xff : ~(FIN | PSH)) & (i == 0 ? 0xff : ~CWR));
            putU16(expected, ipLength + 16, u16(s, ipLength + 16)); // checked below
            assertArrayEquals(expected, Arrays.copyOf(s, headers), "headers of segment " + i);
            assertTrue(transportChecksumValid(s, s.length), "TCP checksum of segment " + i);
            joined.write(s, headers, s.length - headers);
        }
        assertArrayEquals(payload, joined.toByteArray(), "the payload, joined again");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tcp4", "tcp6", "udp4", "udp6"})
    void completesAPartialChecksumAsLinuxLeavesIt(String kind) throws IOException {
        byte[] payload = payload(999); // odd, so the last byte is padded
        byte[] packet = switch (kind) {
            case "tcp4" -> TestPackets.tcp("10.0.0.2", "10.0.0.1", 40000, 443, 7, ACK | PSH, payload);
            case "tcp6" -> TestPackets.tcp6("fd00::2", "fd00::1", 40000, 443, 7, ACK | PSH, payload);
            case "udp4" -> TestPackets.udp("10.0.0.2", "10.0.0.1", payload); // with no checksum: 0
            default -> TestPackets.udp6("fd00::2", "fd00::1", payload);
        };
        int ipLength = kind.endsWith("4") ? 20 : 40;
        int field = kind.startsWith("tcp") ? 16 : 6;
        byte[] complete = packet.clone();
        putU16(complete, ipLength + field, 0);
        putU16(complete, ipLength + field, ~fold(pseudoHeaderSum(complete, complete.length) + sumOf(complete, ipLength,
                complete.length - ipLength)));
        if (!kind.equals("udp4")) {
            assertArrayEquals(packet, complete, "the builder and this test compute the same checksum");
        }
        // as Linux leaves it: the field holds the pseudo-header sum, not complemented
        putU16(packet, ipLength + field, fold(pseudoHeaderSum(packet, packet.length)));

        Outcome outcome = split(packet, new VirtioNetHeader(VirtioNetHeader.NEEDS_CSUM, VirtioNetHeader.GSO_NONE, 0, 0,
                ipLength, field), new Pool(1, ROOM));
        assertEquals(1, outcome.result());
        assertArrayEquals(complete, outcome.segments().getFirst());
    }

    @Test
    void aPacketThatNeedsNothingIsCopiedAsItIs() throws IOException {
        byte[] packet = TestPackets.udp("10.0.0.2", "10.0.0.1", payload(100));
        Outcome outcome = split(packet, VirtioNetHeader.NONE, new Pool(1, ROOM));
        assertEquals(1, outcome.result());
        assertArrayEquals(packet, outcome.segments().getFirst());
    }

    @Test
    void theByteOrderOfTheBuffersChangesNothing() throws IOException {
        byte[] packet = TestPackets.tcp6("fd00::2", "fd00::1", 40000, 443, SEQ, FLAGS, TCP_OPTIONS, payload(5001));
        VirtioNetHeader gso = new VirtioNetHeader(1, VirtioNetHeader.GSO_TCPV6, 72, 1000, 40, 16);
        List<byte[]> big = split(packet, gso, new Pool(8, ROOM)).segments();
        List<byte[]> little = split(packet, gso, new Pool(8, ROOM, ByteOrder.LITTLE_ENDIAN)).segments();
        assertEquals(6, little.size());
        for (int i = 0; i < big.size(); i++) {
            assertArrayEquals(big.get(i), little.get(i), "segment " + i);
        }

        byte[] whole = TestPackets.tcp6("fd00::2", "fd00::1", 40000, 443, SEQ, ACK, payload(1001));
        byte[] partial = whole.clone();
        putU16(partial, 40 + 16, fold(pseudoHeaderSum(partial, partial.length)));
        ByteBuffer in = ByteBuffer.allocate(partial.length).order(ByteOrder.LITTLE_ENDIAN).put(0, partial);
        ByteBuffer[] out = new ByteBuffer[1];
        assertEquals(1, Segmenter.split(in, new VirtioNetHeader(1, 0, 0, 0, 40, 16), new Pool(1, ROOM), s -> out[0] = s));
        byte[] completed = new byte[out[0].remaining()];
        out[0].get(out[0].position(), completed);
        assertArrayEquals(whole, completed);
    }

    static Stream<Arguments> malformed() {
        byte[] v4 = TestPackets.tcp("10.0.0.2", "10.0.0.1", 40000, 443, SEQ, ACK, payload(3000));
        byte[] v6 = TestPackets.tcp6("fd00::2", "fd00::1", 40000, 443, SEQ, ACK, payload(3000));
        VirtioNetHeader gso4 = new VirtioNetHeader(VirtioNetHeader.NEEDS_CSUM, VirtioNetHeader.GSO_TCPV4, 40, 1448, 20, 16);
        VirtioNetHeader gso6 = new VirtioNetHeader(VirtioNetHeader.NEEDS_CSUM, VirtioNetHeader.GSO_TCPV6, 60, 1440, 40, 16);
        byte[] bare = Arrays.copyOf(v4, 40); // headers only, total length 40
        putU16(bare, 2, 40);
        return Stream.of(
                Arguments.of("an empty packet", new byte[0], gso4, Drop.MALFORMED),
                Arguments.of("an IPv4 header cut short", Arrays.copyOf(v4, 19), gso4, Drop.MALFORMED),
                Arguments.of("IHL below 5", with(v4, 0, 0x44), gso4, Drop.MALFORMED),
                Arguments.of("IHL beyond the packet", with(bare, 0, 0x4f), gso4, Drop.MALFORMED),
                Arguments.of("total length beyond the packet", with16(v4, 2, v4.length + 1), gso4, Drop.MALFORMED),
                Arguments.of("total length within the IP header", with16(v4, 2, 19), gso4, Drop.MALFORMED),
                Arguments.of("a TCP header cut short", with16(Arrays.copyOf(v4, 39), 2, 39), gso4, Drop.MALFORMED),
                Arguments.of("a TCP header cut before its data offset", with16(Arrays.copyOf(v4, 32), 2, 32), gso4,
                        Drop.MALFORMED),
                Arguments.of("TCP data offset below 5", with(v4, 32, 0x40), gso4, Drop.MALFORMED),
                Arguments.of("TCP data offset beyond the packet", with(bare, 32, 0xf0), gso4, Drop.MALFORMED),
                Arguments.of("version 5", with(v4, 0, 0x55), gso4, Drop.MALFORMED),
                Arguments.of("IPv6 under a TCPv4 type", v6, gso4, Drop.MALFORMED),
                Arguments.of("IPv4 under a TCPv6 type", v4, gso6, Drop.MALFORMED),
                Arguments.of("an IPv4 fragment", with(v4, 6, 0x20), gso4, Drop.MALFORMED),
                Arguments.of("an IPv6 header cut short", Arrays.copyOf(v6, 39), gso6, Drop.MALFORMED),
                Arguments.of("IPv6 payload length beyond the packet", with16(v6, 4, v6.length - 39), gso6, Drop.MALFORMED),
                Arguments.of("an IPv6 TCP header cut short", with16(Arrays.copyOf(v6, 59), 4, 19), gso6, Drop.MALFORMED),
                Arguments.of("gsoSize 0", v4, new VirtioNetHeader(1, VirtioNetHeader.GSO_TCPV4, 40, 0, 20, 16),
                        Drop.ZERO_GSO_SIZE),
                Arguments.of("GSO_UDP", v4, new VirtioNetHeader(1, VirtioNetHeader.GSO_UDP, 28, 1000, 20, 6), Drop.NOT_TCP),
                Arguments.of("an unknown GSO type", v4, new VirtioNetHeader(1, 2, 40, 1448, 20, 16), Drop.NOT_TCP),
                Arguments.of("IPv4 UDP under a TCPv4 type", TestPackets.udp("10.0.0.2", "10.0.0.1", payload(3000)), gso4,
                        Drop.NOT_TCP),
                Arguments.of("IPv6 UDP under a TCPv6 type", TestPackets.udp6("fd00::2", "fd00::1", payload(3000)), gso6,
                        Drop.NOT_TCP),
                Arguments.of("an IPv6 hop-by-hop header", with(v6, 6, 0), gso6, Drop.IPV6_EXTENSION),
                Arguments.of("an IPv6 fragment header", with(v6, 6, 44), gso6, Drop.IPV6_EXTENSION),
                Arguments.of("a checksum field past the end", v4, new VirtioNetHeader(1, 0, 0, 0, 20, v4.length - 21),
                        Drop.MALFORMED),
                Arguments.of("a checksum start past the end", v4, new VirtioNetHeader(1, 0, 0, 0, v4.length, 0),
                        Drop.MALFORMED),
                Arguments.of("a checksum offset of a header made in code", v4,
                        new VirtioNetHeader(1, 0, 0, 0, 20, Integer.MAX_VALUE), Drop.MALFORMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void dropsAMalformedPacket(String name, byte[] packet, VirtioNetHeader header, Drop drop) throws IOException {
        Outcome outcome = split(packet, header, new Pool(4, ROOM));
        assertEquals(drop.name(), text(outcome.result()));
        assertEquals(List.of(), outcome.segments());
    }

    @Test
    void dropsWhatDoesNotFitABuffer() throws IOException {
        byte[] packet = TestPackets.tcp("10.0.0.2", "10.0.0.1", 40000, 443, SEQ, ACK, payload(10000));
        VirtioNetHeader gso = new VirtioNetHeader(1, VirtioNetHeader.GSO_TCPV4, 40, 1448, 20, 16);
        Outcome outcome = split(packet, gso, new Pool(8, 1448 + 39));
        assertEquals("NO_BUFFER", text(outcome.result()));
        assertEquals(List.of(), outcome.segments());

        byte[] whole = TestPackets.udpOfSize("10.0.0.2", "10.0.0.1", 1500);
        outcome = split(whole, VirtioNetHeader.NONE, new Pool(1, 1499));
        assertEquals("NO_BUFFER", text(outcome.result()));
        assertEquals(List.of(), outcome.segments());
    }

    @Test
    void anExhaustedPoolDropsTheRest() throws IOException {
        byte[] packet = TestPackets.tcp6("fd00::2", "fd00::1", 40000, 443, SEQ, ACK, payload(10000));
        VirtioNetHeader gso = new VirtioNetHeader(1, VirtioNetHeader.GSO_TCPV6, 60, 1440, 40, 16);
        Outcome outcome = split(packet, gso, new Pool(3, ROOM));
        assertEquals("NO_BUFFER", text(outcome.result()));
        assertEquals(3, outcome.segments().size(), "the segments handed on before stay handed on");
        for (byte[] s : outcome.segments()) {
            assertTrue(transportChecksumValid(s, s.length));
        }

        assertEquals("NO_BUFFER", text(split(packet, gso, length -> null).result()));
        assertEquals("NO_BUFFER", text(split(packet, VirtioNetHeader.NONE, length -> null).result()));
    }

    /** A fuzz input is a virtio-net header (10 bytes) and a packet; see {@link Fuzzed}. */
    @Test
    void mutatedPacketsAndHeadersGiveSegmentsOrADrop() {
        Fuzzed fuzzed = new Fuzzed();
        Fuzz.Result result = Fuzz.run("segmenter", Fuzz.oneOf(Fuzz.bytes(120), Fuzz.mutations(fuzzSeeds())),
                fuzzed::check, new Fuzz.Limits(5_000, 64, Duration.ofSeconds(10))); // 40: the test's header record
        assertEquals(0, result.rejected(), "nothing here throws");
        assertTrue(fuzzed.segmented > 500 && fuzzed.dropped > 500, "both outcomes were tried: " + fuzzed.segmented
                + " segmented, " + fuzzed.dropped + " dropped");
    }

    /**
     * Runs one fuzz input in buffers made beforehand, so that the allocation the fuzz kit counts is the segmenter's,
     * and checks what comes out: every segment of a super-segment has valid lengths and checksums.
     */
    private static final class Fuzzed {
        private final ByteBuffer header = ByteBuffer.allocate(VirtioNetHeader.LENGTH);
        private final ByteBuffer packet = ByteBuffer.allocateDirect(8 + Fuzz.MAX_INPUT);
        private final Pool pool = new Pool(8, ROOM);
        private final byte[] segment = new byte[Fuzz.MAX_INPUT];
        private final Segmenter.Sink sink = this::accept;
        private boolean gso;
        private int length;
        private int segments;
        int segmented;
        int dropped;

        void check(byte[] input) throws IOException {
            int headerLength = Math.min(VirtioNetHeader.LENGTH, input.length);
            header.putLong(0, 0).putShort(8, (short) 0).put(0, input, 0, headerLength);
            VirtioNetHeader h = VirtioNetHeader.read(header, 0);
            length = input.length - headerLength;
            packet.clear().put(8, input, headerLength, length).limit(8 + length).position(8);
            gso = h.isGso();
            segments = 0;
            pool.reset();
            int result = Segmenter.split(packet, h, pool, sink);
            assertEquals(8, packet.position());
            assertEquals(8 + length, packet.limit());
            if (result >= 0) {
                assertTrue(result >= 1, "at least one segment");
                assertEquals(segments, result);
                segmented++;
            } else {
                Drop.of(result); // a code of a drop reason, or this throws
                dropped++;
            }
        }

        private void accept(ByteBuffer s) {
            segments++;
            assertEquals(PacketBuffers.HEADROOM, s.position());
            int n = s.remaining();
            if (!gso) {
                assertEquals(length, n);
                return;
            }
            s.get(s.position(), segment, 0, n);
            if ((segment[0] & 0xf0) == 0x40) {
                assertEquals(n, u16(segment, 2));
                assertEquals(0, TestPackets.checksum(segment, 0, (segment[0] & 0x0f) * 4));
            } else {
                assertEquals(n - 40, u16(segment, 4));
            }
            assertTrue(transportChecksumValid(segment, n), "TCP checksum");
        }
    }

    private static List<byte[]> fuzzSeeds() {
        List<byte[]> seeds = new ArrayList<>();
        int v4 = VirtioNetHeader.GSO_TCPV4;
        int v6 = VirtioNetHeader.GSO_TCPV6;
        seeds.add(seed(v4, 1000, 20, TestPackets.tcp("10.0.0.2", "10.0.0.1", 1, 2, SEQ, FLAGS, payload(4000))));
        seeds.add(seed(v4 | VirtioNetHeader.GSO_ECN, 1448, 24, TestPackets.tcp("10.0.0.2", "10.0.0.1", 1, 2, SEQ, FLAGS,
                IP_OPTIONS, TCP_OPTIONS, payload(5001))));
        seeds.add(seed(v4, 1448, 20, TestPackets.tcp("10.0.0.2", "10.0.0.1", 1, 2, SEQ, ACK, payload(100))));
        seeds.add(seed(v6, 1440, 40, TestPackets.tcp6("fd00::2", "fd00::1", 1, 2, SEQ, FLAGS, payload(5000))));
        seeds.add(seed(v6, 999, 40, TestPackets.tcp6("fd00::2", "fd00::1", 1, 2, SEQ, FLAGS, TCP_OPTIONS, payload(3333))));
        byte[] tcp = TestPackets.tcp("10.0.0.2", "10.0.0.1", 1, 2, SEQ, ACK, payload(1000));
        byte[] seed = seed(VirtioNetHeader.GSO_NONE, 0, 20, tcp);
        seed[VirtioNetHeader.LENGTH - 2] = 16; // csumOffset, little-endian
        seeds.add(seed);
        seeds.add(seed(VirtioNetHeader.GSO_NONE, 0, 40, TestPackets.udp6("fd00::2", "fd00::1", payload(500))));
        return seeds;
    }

    /** A fuzz input: the header (NEEDS_CSUM, csumOffset 6 unless changed) and the packet. */
    private static byte[] seed(int gsoType, int gsoSize, int csumStart, byte[] packet) {
        ByteBuffer b = ByteBuffer.allocate(VirtioNetHeader.LENGTH + packet.length).put(VirtioNetHeader.LENGTH, packet);
        new VirtioNetHeader(VirtioNetHeader.NEEDS_CSUM, gsoType, 0, gsoSize, csumStart, 6).write(b, 0);
        return b.array();
    }

    /**
     * Splits {@code packet}, placed inside a larger buffer between bytes that are not its own, and collects the
     * segments; checks that the packet's position and limit stay, and that a super-segment is left unchanged.
     */
    private static Outcome split(byte[] packet, VirtioNetHeader header, IntFunction<ByteBuffer> buffers) throws IOException {
        ByteBuffer in = ByteBuffer.allocateDirect(7 + packet.length + 7);
        while (in.hasRemaining()) {
            in.put((byte) 0x46);
        }
        in.put(7, packet).limit(7 + packet.length).position(7);
        List<byte[]> segments = new ArrayList<>();
        int result = Segmenter.split(in, header, buffers, segment -> {
            byte[] bytes = new byte[segment.remaining()];
            segment.get(segment.position(), bytes);
            segments.add(bytes);
        });
        assertEquals(7, in.position());
        assertEquals(7 + packet.length, in.limit());
        if (header.isGso()) {
            byte[] after = new byte[packet.length];
            in.get(7, after);
            assertArrayEquals(packet, after, "a super-segment is left as it was");
        }
        if (result >= 0) {
            assertEquals(result, segments.size());
        }
        return new Outcome(result, segments);
    }

    /** A result of {@link Segmenter#split} as text, for readable failures: "3 segments" or the drop's name. */
    private static String text(int result) {
        return result >= 0 ? result + " segments" : Drop.of(result).name();
    }

    /**
     * Whether the transport checksum of the IPv4 or IPv6 packet in {@code b[0..length)} verifies: the sum of the
     * pseudo-header and the transport header and payload is 0xffff. Made of {@link TestPackets#checksum}, not of the
     * segmenter's code; allocates nothing, for the fuzz test.
     */
    private static boolean transportChecksumValid(byte[] b, int length) {
        int ipLength = (b[0] & 0xf0) == 0x40 ? (b[0] & 0x0f) * 4 : 40;
        return fold(pseudoHeaderSum(b, length) + sumOf(b, ipLength, length - ipLength)) == 0xffff;
    }

    /** The ones' complement sum of the pseudo-header: addresses, protocol, transport length. */
    private static long pseudoHeaderSum(byte[] b, int length) {
        boolean ipv4 = (b[0] & 0xf0) == 0x40;
        int ipLength = ipv4 ? (b[0] & 0x0f) * 4 : 40;
        return sumOf(b, ipv4 ? 12 : 8, ipv4 ? 8 : 32) + (b[ipv4 ? 9 : 6] & 0xff) + length - ipLength;
    }

    /** The ones' complement sum of a range: the complement of its checksum. */
    private static int sumOf(byte[] b, int offset, int length) {
        return ~TestPackets.checksum(b, offset, length) & 0xffff;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    private static byte[] payload(int length) {
        byte[] payload = new byte[length];
        new Random(length).nextBytes(payload);
        return payload;
    }

    private static byte[] with(byte[] packet, int index, int value) {
        byte[] copy = packet.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static byte[] with16(byte[] packet, int index, int value) {
        byte[] copy = packet.clone();
        putU16(copy, index, value);
        return copy;
    }

    private static int u16(byte[] b, int index) {
        return (b[index] & 0xff) << 8 | (b[index + 1] & 0xff);
    }

    private static void putU16(byte[] b, int index, int value) {
        b[index] = (byte) (value >>> 8);
        b[index + 1] = (byte) value;
    }
}
