package io.lwt.transport.udp;

import io.lwt.api.Config;
import io.lwt.api.transport.SocketBuffers;
import io.lwt.api.transport.Transport;
import io.lwt.api.transport.TransportProvider;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Transport {@code udp}. Keys: {@code send-buffer} and {@code receive-buffer}, socket buffer sizes in bytes (default
 * 4 MiB each, since UDP's are not autotuned), and {@code offload}, whether to ask the kernel for segmentation and receive
 * offloads (default true).
 */
public final class UdpTransportProvider implements TransportProvider {

    private static final String OFFLOAD = "offload";
    private static final Set<String> KEYS = Stream.concat(SocketBuffers.KEYS.stream(), Stream.of(OFFLOAD))
            .collect(Collectors.toUnmodifiableSet());

    @Override
    public String name() {
        return "udp";
    }

    @Override
    public Transport create(Config config) {
        config.requireOnly(KEYS);
        return new UdpTransport(new SocketBuffers(
                config.size("send-buffer", UdpSocket.DEFAULT_BUFFER, SocketBuffers.MIN, SocketBuffers.MAX),
                config.size("receive-buffer", UdpSocket.DEFAULT_BUFFER, SocketBuffers.MIN, SocketBuffers.MAX)),
                config.bool(OFFLOAD, true));
    }
}
