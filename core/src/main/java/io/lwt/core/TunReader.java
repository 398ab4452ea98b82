package io.lwt.core;

import io.lwt.api.tun.TunDevice;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads batches of packets from a TUN device into pooled buffers and hands each to a consumer. Runs on a platform
 * thread: a blocking native read would pin a virtual thread's carrier.
 */
final class TunReader {

    /** Takes a packet at {@code position..limit} of a pooled buffer; returns true if it kept the buffer. */
    @FunctionalInterface
    interface Consumer {
        boolean accept(ByteBuffer packet);
    }

    private TunReader() {}

    /**
     * Starts the reader thread. It ends when the device is closed; any other failure goes to {@code onFailure}.
     */
    static Thread start(String name, TunDevice device, PacketBuffers buffers, Consumer consumer,
            java.util.function.Consumer<IOException> onFailure) {
        Thread thread = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
            ByteBuffer[] batch = new ByteBuffer[Session.BATCH];
            try {
                while (true) {
                    int filled = fill(batch, buffers);
                    if (filled == 0) {
                        Thread.sleep(1); // pool exhausted: every buffer is queued somewhere; let senders drain
                        continue;
                    }
                    int n = device.read(filled == batch.length ? batch : java.util.Arrays.copyOf(batch, filled));
                    for (int i = 0; i < n; i++) {
                        if (consumer.accept(batch[i])) {
                            batch[i] = null;
                        }
                    }
                }
            } catch (java.nio.channels.ClosedChannelException | InterruptedException e) {
                // device closed: the node is stopping
            } catch (IOException e) {
                onFailure.accept(e);
            }
        });
        thread.start();
        return thread;
    }

    /** Gives every slot a fresh buffer, positioned for a packet; returns how many leading slots are usable. */
    private static int fill(ByteBuffer[] batch, PacketBuffers buffers) {
        for (int i = 0; i < batch.length; i++) {
            if (batch[i] == null) {
                batch[i] = buffers.acquire();
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
