package io.lwt.core;

import io.lwt.api.codec.Codec;
import io.lwt.api.transport.Transport;
import io.lwt.api.tun.TunDriver;
import java.io.IOException;

/** STUB: being written. */
public final class ClientNode implements TunnelNode {
    public static ClientNode start(ClientSpec spec, TunDriver tun, Transport transport, Codec codec) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void awaitTermination() throws InterruptedException {}

    @Override
    public void close() {}
}
