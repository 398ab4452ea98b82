package io.lwt.transport.tcp;

import io.lwt.api.Config;
import io.lwt.api.transport.SocketBuffers;
import io.lwt.api.transport.Transport;
import io.lwt.api.transport.TransportProvider;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Transport {@code tcp}. Keys: {@code send-buffer} and {@code receive-buffer}, socket buffer sizes in bytes
 * (default: the system's, which autotunes), and {@code unsent-limit}, the bytes a socket holds unsent (see
 * {@link UnsentLimit}; default 16 KiB, 0 for the system's).
 */
public final class TcpTransportProvider implements TransportProvider {

    private static final String UNSENT_LIMIT = "unsent-limit";
    private static final Set<String> KEYS = Stream.concat(SocketBuffers.KEYS.stream(), Stream.of(UNSENT_LIMIT))
            .collect(Collectors.toUnmodifiableSet());

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public Transport create(Config config) {
        config.requireOnly(KEYS);
        return new TcpTransport(SocketBuffers.of(config),
                config.size(UNSENT_LIMIT, UnsentLimit.DEFAULT, 0, SocketBuffers.MAX));
    }
}
