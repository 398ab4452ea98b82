package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPackets;
import io.lwt.testsupport.Fuzz;
import io.lwt.testsupport.TestPackets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link IpPackets} against random and mutated packets, as the hub reads every client's packets with it: it never
 * throws, allocates nothing, and reads only inside the packet. (Tested here rather than in the api module, whose
 * tests cannot depend on test-support.)
 */
class IpPacketsFuzzTest {

    /** Packets as the engine holds them: inside a larger direct buffer, bytes around them that are not theirs. */
    private static final class Packets {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(64 + Fuzz.MAX_INPUT + 64);

        ByteBuffer of(byte[] input) {
            buffer.clear();
            for (int i = 0; i < 64; i++) {
                buffer.put(i, (byte) 0x46).put(64 + input.length + i, (byte) 0x46); // an IPv4 first byte, not the packet's
            }
            return buffer.put(64, input).limit(64 + input.length).position(64);
        }
    }

    @org.junit.jupiter.api.Test
    void headersAreReadInPlaceAndNeverPastThePacket() {
        Packets packets = new Packets();
        Fuzz.Result result = Fuzz.run("ip-packets", Fuzz.oneOf(Fuzz.bytes(120), Fuzz.mutations(seeds())),
                input -> check(packets.of(input), input), new Fuzz.Limits(20_000, 256, Duration.ofSeconds(10)));
        assertEquals(0, result.rejected(), "nothing here throws, not even a ProtocolException");
    }

    /** Packets on the edges of the header lengths, as hex, and the version read from them. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "                                                                                     | 0",
        "45                                                                                   | 0",
        "4500001c000000004011000000000000000000                                               | 0",
        "4500001c00000000401100000a0000020a000001                                             | 4",
        "60                                                                                   | 0",
        "60000000000011400000000000000000000000000000000100000000000000000000000000000002     | 6",
        "600000000000114000000000000000000000000000000001000000000000000000000000000000       | 0",
        "f0000000000000000000000000000000000000000000000000000000000000000000000000000000     | 0",
    })
    void corpus(String hex, int version) throws Exception {
        byte[] input = HexFormat.of().parseHex(hex == null ? "" : hex.strip());
        Packets packets = new Packets();
        assertEquals("accepted", Fuzz.outcome(in -> check(packets.of(in), in), input));
        assertEquals(version, IpPackets.version(packets.of(input)));
    }

    private static void check(ByteBuffer packet, byte[] input) {
        int position = packet.position();
        int limit = packet.limit();
        int nibble = input.length == 0 ? -1 : (input[0] & 0xff) >>> 4;
        int expected = nibble == 4 && input.length >= IpPackets.IPV4_MIN_HEADER ? 4
                : nibble == 6 && input.length >= IpPackets.IPV6_HEADER ? 6 : 0;
        assertEquals(expected, IpPackets.version(packet));
        if (expected == 4) {
            assertEquals(bigEndian(input, 12), IpPackets.ipv4Source(packet));
            assertEquals(bigEndian(input, 16), IpPackets.ipv4Destination(packet));
        }
        assertEquals(position, packet.position(), "the position is left as it was");
        assertEquals(limit, packet.limit(), "the limit is left as it was");
    }

    private static int bigEndian(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static List<byte[]> seeds() {
        Random random = new Random(4);
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            byte[] payload = new byte[random.nextInt(40)];
            seeds.add(TestPackets.udp("10.0.0." + (2 + i), "10.0.0.1", payload));
        }
        byte[] ipv6 = new byte[IpPackets.IPV6_HEADER + 8];
        ipv6[0] = 0x60;
        seeds.add(ipv6);
        return seeds;
    }
}
