package io.lwt.transport.tls;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.tls.ContentType;

/**
 * Serializes the records a connection writes. BouncyCastle encrypts application data under its own lock, but sends
 * alerts (a failed read, an answer to the peer's close_notify) from whatever thread noticed, with the same cipher: a
 * concurrent write would corrupt both records. The writer holds this gate for a whole batch; the handshake takes it
 * per record; an alert from another thread is sent only if the gate is free (otherwise the writer is mid-record or
 * blocked on a full socket, and the connection is ending anyway), and never fails: it is a courtesy to a peer that
 * is going away, which must not hide the real cause.
 */
final class RecordGate {

    @FunctionalInterface
    interface RecordWrite {
        void run() throws IOException;
    }

    private final ReentrantLock lock = new ReentrantLock();

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    void write(short contentType, RecordWrite write) throws IOException {
        if (contentType != ContentType.alert) {
            lock.lock();
            try {
                write.run();
            } finally {
                lock.unlock();
            }
        } else if (lock.tryLock()) {
            try {
                write.run();
            } catch (IOException e) {
                // the alert is lost; the connection's own failure is what gets reported
            } finally {
                lock.unlock();
            }
        }
    }
}
