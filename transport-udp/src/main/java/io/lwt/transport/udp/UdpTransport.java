package io.lwt.transport.udp;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.SocketBuffers;
import io.lwt.api.transport.Transport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Datagrams over UDP: a hub listens on one socket for all its clients ({@link UdpListener}); a client dials with a
 * socket of its own ({@link ClientConnection}). A dial sends nothing: UDP has no connection to make, and the session's
 * handshake is its first datagram.
 */
final class UdpTransport implements Transport {

    private final SocketBuffers buffers;
    private final boolean offload;

    /**
     * @param buffers the socket buffers
     * @param offload whether to ask the kernel for segmentation and receive offloads
     */
    UdpTransport(SocketBuffers buffers, boolean offload) {
        this.buffers = buffers;
        this.offload = offload;
    }

    @Override
    public boolean carriesDatagrams() {
        return true;
    }

    @Override
    public Listener listen(InetSocketAddress local) throws IOException {
        return new UdpListener(UdpSocket.bind(local, buffers, offload));
    }

    @Override
    public Connection dial(InetSocketAddress remote, Duration timeout) throws IOException {
        InetSocketAddress hub = Transport.resolve(remote);
        InetAddress any = hub.getAddress() instanceof Inet4Address ? InetAddress.getByName("0.0.0.0")
                : InetAddress.getByName("::");
        UdpSocket socket = UdpSocket.bind(new InetSocketAddress(any, 0), buffers, offload);
        try {
            return new ClientConnection(socket, hub);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "udp";
    }
}
