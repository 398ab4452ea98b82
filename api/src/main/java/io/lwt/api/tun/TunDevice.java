package io.lwt.api.tun;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An open TUN device, moving batches of IP packets. The batch shape (several packets per call, each in its own
 * buffer with room before and after it) leaves space for batched system calls, multi-queue and offloads without
 * changing this interface.
 *
 * <p>One thread reads and one thread writes at a time; {@link #close()} may come from any thread and makes a
 * blocked {@link #read} return.
 */
public interface TunDevice extends Closeable {

    /** The device name the kernel reports, e.g. {@code lwt0}. */
    String name();

    int mtu();

    /**
     * Blocks until at least one packet is available and reads up to {@code packets.length} of them. Packet
     * {@code i} is written into {@code packets[i]} starting at its position (the bytes before it are the caller's
     * headroom); on return its position is unchanged and its limit marks the packet's end.
     *
     * @return the number of packets read, at least 1
     * @throws java.nio.channels.ClosedChannelException once the device is closed
     */
    int read(ByteBuffer[] packets) throws IOException;

    /**
     * Writes the first {@code count} packets, each being {@code position..limit} of its buffer. Buffer positions
     * are unchanged. A packet the kernel refuses (e.g. malformed) is dropped and does not fail the batch.
     */
    void write(ByteBuffer[] packets, int count) throws IOException;

    /**
     * Whether the device moves packets with a {@link VirtioNetHeader} (Linux IFF_VNET_HDR with TSO/GSO and checksum
     * offloads). If so, {@link #read} puts the header in the {@link VirtioNetHeader#LENGTH} bytes just before each
     * packet's position, and a packet may be a TCP super-segment of up to {@link TunOptions#MAX_MTU} bytes, longer
     * than the MTU, so each buffer must have room for that; {@link #write} takes each packet with its header in the
     * same place. Without offloads (the default) packets are plain IP packets of at most the MTU.
     */
    default boolean offloads() {
        return false;
    }

    /** Removes the device. Idempotent. */
    @Override
    void close() throws IOException;
}
