package io.lwt.core;

import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/** What hubs and clients share about stopping: once only, by close() or by a failure that is remembered. */
abstract class NodeLifecycle implements TunnelNode {

    final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final System.Logger log;
    private volatile Failure failure;

    NodeLifecycle(System.Logger log) {
        this.log = log;
    }

    /** Releases the node's sessions, sockets and device; called once, by {@link #close()}. */
    abstract void release();

    /** Stops for good after a runtime failure, remembering why; {@code lwt run} then exits non-zero. */
    final void stop(String reason) {
        stop(Failure.Kind.RUNTIME, reason);
    }

    /** Stops for good, remembering why and of which kind; {@code lwt run} exits with a status that says which. */
    final void stop(Failure.Kind kind, String reason) {
        if (!closed.get()) {
            failure = new Failure(kind, reason);
            log.log(Level.ERROR, "{0}; stopping", reason);
            close();
        }
    }

    @Override
    public final Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public final void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        release();
        log.log(Level.INFO, "stopped");
        terminated.countDown();
    }
}
