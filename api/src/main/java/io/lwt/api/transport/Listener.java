package io.lwt.api.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Accepts connections. {@link #close()} makes a blocked {@link #accept()} throw. */
public interface Listener extends Closeable {

    /** Blocks until a peer connects. Transport-level set-up (e.g. a TLS handshake) may run here or lazily. */
    Connection accept() throws IOException;

    InetSocketAddress localAddress();

    /**
     * Re-reads the files of the transport's settings that may change while it runs (a {@code tls} hub's
     * {@code client-crl}) and applies them to the connections it accepts from now on and to those it accepted before,
     * ending any they no longer allow; a hub calls it when it reloads. Most listeners read no such file and do nothing.
     *
     * @throws IOException when a file cannot be read or is not valid: the listener then keeps what it read before
     */
    default void refresh() throws IOException {}
}
