package io.lwt.core;

import io.lwt.api.tun.TunDevice;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads batches of packets from a TUN device into pooled buffers and hands each to a consumer. Runs on a platform
 * thread: a blocking native read would pin a virtual thread's carrier. From a device with offloads each packet comes
 * with its virtio-net header just before it and may be a 64 KiB super-segment, so it is read into a large buffer; a
 * packet no longer than the MTU is then moved to an ordinary one, so that queues of small packets do not hold large
 * buffers.
 */
final class TunReader {

    /** Takes a packet at {@code position..limit} of a pooled buffer; returns true if it kept the buffer. */
    @FunctionalInterface
    interface Consumer {
        boolean accept(ByteBuffer packet);
    }

    /** Large buffers per read with offloads: a batch of super-segments is already a megabyte. */
    private static final int OFFLOAD_BATCH = 16;

    private TunReader() {}

    /**
     * Starts the reader thread. It ends when the device is closed; any other failure, the driver's exceptions
     * included, goes to {@code onFailure}. The consumer must not throw: it counts what it cannot forward.
     */
    static Thread start(String name, TunDevice device, PacketBuffers buffers, Consumer consumer,
            java.util.function.Consumer<IOException> onFailure) {
        Thread thread = Threads.platform(name).unstarted(() -> {
            boolean offloads = device.offloads();
            ByteBuffer[] batch = new ByteBuffer[offloads ? OFFLOAD_BATCH : Link.BATCH];
            try {
                while (true) {
                    int filled = fill(batch, buffers, offloads);
                    if (filled == 0) {
                        Thread.sleep(1); // pool exhausted: every buffer is queued somewhere; let senders drain
                        continue;
                    }
                    int n = device.read(filled == batch.length ? batch : java.util.Arrays.copyOf(batch, filled));
                    for (int i = 0; i < n; i++) {
                        ByteBuffer small = offloads ? small(batch[i], buffers) : null;
                        if (small != null) {
                            if (!consumer.accept(small)) {
                                buffers.release(small);
                            }
                        } else if (consumer.accept(batch[i])) {
                            batch[i] = null;
                        }
                    }
                }
            } catch (java.nio.channels.ClosedChannelException | InterruptedException e) {
                // device closed: the node is stopping
            } catch (IOException e) {
                onFailure.accept(e);
            } catch (RuntimeException e) {
                onFailure.accept(new IOException(Nodes.describe(e), e)); // the driver's bug: the device is as good as failed
            }
        });
        thread.start();
        return thread;
    }

    /** A copy of a packet of at most the MTU, header included, in an ordinary buffer; null if larger or none is free. */
    private static ByteBuffer small(ByteBuffer packet, PacketBuffers buffers) {
        return packet.remaining() > buffers.mtu() ? null : buffers.copyOf(packet, true);
    }

    /** Gives every slot a fresh buffer, positioned for a packet; returns how many leading slots are usable. */
    private static int fill(ByteBuffer[] batch, PacketBuffers buffers, boolean offloads) {
        for (int i = 0; i < batch.length; i++) {
            if (batch[i] == null) {
                batch[i] = offloads ? buffers.acquire(PacketBuffers.MAX_PACKET) : buffers.acquire();
                if (batch[i] == null) {
                    return i;
                }
            } else {
                buffers.reset(batch[i]);
            }
        }
        return batch.length;
    }
}
