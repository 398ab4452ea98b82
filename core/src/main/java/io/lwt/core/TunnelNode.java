package io.lwt.core;

/** A running hub or client. Closing it closes its sessions and removes its TUN device. */
public interface TunnelNode extends AutoCloseable {

    /** Blocks until the node has stopped, by {@link #close()} or by a fatal error. */
    void awaitTermination() throws InterruptedException;

    /** Why the node stopped by itself (e.g. a hub's permanent refusal), or empty while running or after close(). */
    java.util.Optional<Failure> failure();

    /** A snapshot of the node's sessions and counters. */
    NodeStatus status();

    @Override
    void close();
}
