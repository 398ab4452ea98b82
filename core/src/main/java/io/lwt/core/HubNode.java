package io.lwt.core;

import io.lwt.api.codec.Codec;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.api.transport.Transport;
import io.lwt.api.tun.TunDriver;
import java.io.IOException;
import java.net.InetSocketAddress;

/** STUB: being written. */
public final class HubNode implements TunnelNode {
    public static HubNode start(HubSpec spec, TunDriver tun, Transport transport, Codec codec, RoutingPolicy routing)
            throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    public InetSocketAddress listenAddress() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void awaitTermination() throws InterruptedException {}

    @Override
    public void close() {}
}
