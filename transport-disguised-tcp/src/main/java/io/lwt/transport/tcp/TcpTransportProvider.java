package io.lwt.transport.tcp;

import io.lwt.api.Config;
import io.lwt.api.transport.SocketBuffers;
import io.lwt.api.transport.Transport;
import io.lwt.api.transport.TransportProvider;

/**
 * Transport {@code tcp}. Keys: {@code send-buffer} and {@code receive-buffer}, socket buffer sizes in bytes
 * (default: the system's, which autotunes).
 */
public final class TcpTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public Transport create(Config config) {
        config.requireOnly(SocketBuffers.KEYS);
        return new TcpTransport(SocketBuffers.of(config));
    }
}
