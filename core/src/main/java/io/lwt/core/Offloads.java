package io.lwt.core;

import io.lwt.api.tun.VirtioNetHeader;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Packets that carry a virtio-net header just before their position, for sinks that take only whole packets. */
final class Offloads {

    /**
     * The smallest segment a peer's super-segment may be cut into: far below any MSS of a tunnel of at least 576
     * bytes, and it bounds what one 64 KiB message can become at {@link #MAX_SEGMENTS} packets, where segments of one
     * byte would have made 65,000 (an amplification for sinks without offloads).
     */
    static final int MIN_SEGMENT = 128;
    static final int MAX_SEGMENTS = (PacketBuffers.MAX_PACKET + MIN_SEGMENT - 1) / MIN_SEGMENT;

    private Offloads() {}

    /** Why a peer's super-segment must be refused, or null: segments too small for the protocol. */
    static String refusal(ByteBuffer packet) {
        VirtioNetHeader header = VirtioNetHeader.read(packet, packet.position() - VirtioNetHeader.LENGTH);
        if ((header.gsoType() & ~VirtioNetHeader.GSO_ECN) == VirtioNetHeader.GSO_NONE || header.gsoSize() >= MIN_SEGMENT) {
            return null;
        }
        return "a super-segment of " + header.gsoSize() + "-byte segments; the least is " + MIN_SEGMENT
                + " (so a message makes at most " + MAX_SEGMENTS + " packets)";
    }

    /** Whether the packet is a super-segment or has a checksum still to complete: what a sink without offloads cannot take. */
    static boolean needsCutting(ByteBuffer packet) {
        int at = packet.position() - VirtioNetHeader.LENGTH;
        return (packet.get(at) & VirtioNetHeader.NEEDS_CSUM) != 0
                || (packet.get(at + 1) & ~VirtioNetHeader.GSO_ECN) != VirtioNetHeader.GSO_NONE;
    }

    /**
     * Cuts the packet into whole packets in buffers from {@code packets} and hands each to {@code sink}, which then
     * owns it; a packet that cannot be cut is dropped and counted.
     */
    static void cut(ByteBuffer packet, PacketBuffers packets, Counters counters, Segmenter.Sink sink) throws IOException {
        VirtioNetHeader header = VirtioNetHeader.read(packet, packet.position() - VirtioNetHeader.LENGTH);
        int segments = Segmenter.split(packet, header, packets::acquire, sink); // acquire(n): a buffer with room for n
        if (segments < 0) {
            counters.drop(Segmenter.Drop.of(segments).reason);
        }
    }
}
