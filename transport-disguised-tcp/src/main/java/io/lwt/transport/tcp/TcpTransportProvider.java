package io.lwt.transport.tcp;

import io.lwt.api.Config;
import io.lwt.api.transport.Transport;
import io.lwt.api.transport.TransportProvider;
import java.util.Set;

/**
 * Transport {@code tcp}. Keys: {@code send-buffer} and {@code receive-buffer}, socket buffer sizes in bytes
 * (default: the system's, which autotunes).
 */
public final class TcpTransportProvider implements TransportProvider {

    private static final int MAX_BUFFER = 64 << 20;

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public Transport create(Config config) {
        config.requireOnly(Set.of("send-buffer", "receive-buffer"));
        return new TcpTransport(new TcpTransport.Options(
                config.integer("send-buffer", 0, 4096, MAX_BUFFER),
                config.integer("receive-buffer", 0, 4096, MAX_BUFFER)));
    }
}
