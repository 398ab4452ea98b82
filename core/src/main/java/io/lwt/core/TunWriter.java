package io.lwt.core;

import io.lwt.api.tun.TunDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/** Where sessions write the packets bound for the node's TUN device. */
@FunctionalInterface
interface TunWriter {

    void write(ByteBuffer[] packets, int count) throws IOException;

    /** Serialises writes from every session's reader, since a TUN device takes one writer at a time. */
    static TunWriter serialized(TunDevice device) {
        ReentrantLock lock = new ReentrantLock();
        return (packets, count) -> {
            lock.lock();
            try {
                device.write(packets, count);
            } finally {
                lock.unlock();
            }
        };
    }
}
