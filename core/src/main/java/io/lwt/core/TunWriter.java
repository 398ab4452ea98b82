package io.lwt.core;

import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.VirtioNetHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Where sessions write the packets bound for the node's TUN device, in the form the device takes: a packet with a
 * virtio-net header goes whole to a device with offloads and is cut into segments (checksums completed) for one
 * without; a plain packet gets an empty header in front for a device with offloads. Writes from every session's
 * reader are serialised, since a TUN device takes one writer at a time.
 */
final class TunWriter {

    private final Supplier<TunDevice> device;
    private final PacketBuffers packets;
    private final Counters counters;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteBuffer[] one = new ByteBuffer[1]; // guarded by lock

    /** @param device the node's device (a client opens it after its first WELCOME, before any packet arrives) */
    TunWriter(Supplier<TunDevice> device, PacketBuffers packets, Counters counters) {
        this.device = device;
        this.packets = packets;
        this.counters = counters;
    }

    /**
     * Writes one packet at {@code position..limit}, valid only during the call; with {@code withHeader} its
     * {@link VirtioNetHeader} lies just before the position. The bytes of a packet with a header may be changed.
     */
    void write(ByteBuffer packet, boolean withHeader) throws IOException {
        TunDevice d = device.get();
        if (d.offloads() == withHeader) {
            writeOne(d, packet);
        } else if (d.offloads()) {
            writeWithEmptyHeader(d, packet);
        } else if (Offloads.needsCutting(packet)) {
            Offloads.cut(packet, packets, counters, segment -> {
                try {
                    writeOne(d, segment);
                } finally {
                    packets.release(segment);
                }
            });
        } else {
            writeOne(d, packet); // the header says nothing: the packet is whole and its checksum complete
        }
    }

    /** A plain packet (from a peer of the original program) copied behind an empty header, for a device with offloads. */
    private void writeWithEmptyHeader(TunDevice d, ByteBuffer packet) throws IOException {
        ByteBuffer copy = packets.copyOf(packet, false);
        if (copy == null) {
            counters.drop("no-buffer");
            return;
        }
        try {
            VirtioNetHeader.writeNone(copy, copy.position() - VirtioNetHeader.LENGTH);
            writeOne(d, copy);
        } finally {
            packets.release(copy);
        }
    }

    private void writeOne(TunDevice d, ByteBuffer packet) throws IOException {
        lock.lock();
        try {
            one[0] = packet;
            d.write(one, 1);
        } finally {
            one[0] = null;
            lock.unlock();
        }
    }
}
