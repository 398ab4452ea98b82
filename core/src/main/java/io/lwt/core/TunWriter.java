package io.lwt.core;

import io.lwt.api.tun.TunDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/** Serialises writes to a TUN device, which takes one writer at a time, from every session's reader. */
final class TunWriter {

    private final TunDevice device;
    private final ReentrantLock lock = new ReentrantLock();

    TunWriter(TunDevice device) {
        this.device = device;
    }

    void write(ByteBuffer[] packets, int count) throws IOException {
        lock.lock();
        try {
            device.write(packets, count);
        } finally {
            lock.unlock();
        }
    }
}
