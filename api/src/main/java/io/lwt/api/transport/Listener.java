package io.lwt.api.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Accepts connections. {@link #close()} makes a blocked {@link #accept()} throw. */
public interface Listener extends Closeable {

    /** Blocks until a peer connects. Transport-level set-up (e.g. a TLS handshake) may run here or lazily. */
    Connection accept() throws IOException;

    InetSocketAddress localAddress();
}
