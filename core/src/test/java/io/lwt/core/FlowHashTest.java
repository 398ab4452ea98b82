package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lwt.testsupport.TestPackets;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A flow's packets share one hash, whatever their size or sequence; another port or protocol is another flow. */
class FlowHashTest {

    private static int hash(byte[] packet) {
        return FlowHash.of(ByteBuffer.wrap(packet), 0);
    }

    @Test
    void aTcpFlowHashesByAddressesAndPorts() {
        int data = hash(TestPackets.tcp("10.0.0.2", "10.0.0.3", 40000, 5201, 1, TestPackets.ACK, new byte[1400]));
        int ack = hash(TestPackets.tcp("10.0.0.2", "10.0.0.3", 40000, 5201, 99, TestPackets.ACK, new byte[0]));
        int otherPort = hash(TestPackets.tcp("10.0.0.2", "10.0.0.3", 40001, 5201, 1, TestPackets.ACK, new byte[0]));
        assertEquals(data, ack);
        assertNotEquals(data, otherPort);
        assertNotEquals(data, hash(TestPackets.udp("10.0.0.2", "10.0.0.3", new byte[10])));
    }

    @Test
    void fragmentsOfADatagramShareAFlowAndIpv6HashesToo() {
        byte[] first = TestPackets.udpOfSize("10.0.0.2", "10.0.0.3", 100);
        byte[] later = first.clone();
        later[6] = 0x00;
        later[7] = 0x10; // offset 128: the ports are not there
        first[6] = 0x20; // more fragments, offset 0
        assertEquals(hash(first), hash(later));
        assertEquals(hash(TestPackets.udp6OfSize("fd00::2", "fd00::3", 100)),
                hash(TestPackets.udp6OfSize("fd00::2", "fd00::3", 1000)));
        assertNotEquals(hash(TestPackets.udp6OfSize("fd00::2", "fd00::3", 100)),
                hash(TestPackets.udp6OfSize("fd00::2", "fd00::4", 100)));
        assertEquals(0, FlowHash.of(ByteBuffer.allocate(10), 0), "too short for a header");
    }
}
