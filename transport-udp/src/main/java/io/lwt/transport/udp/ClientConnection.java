package io.lwt.transport.udp;

import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A client's connection to a hub, on a socket of its own (a new port for every dial, so the hub never mistakes a new
 * connection for an old one). The socket is not connected: the kernel picks the source address of every datagram,
 * so a client whose address changes sends from the new one at once. It takes only the hub's datagrams of this
 * connection's index. The reader receives in batches, and the writer sends in batches; each on its own thread.
 */
final class ClientConnection implements Connection {

    /** recvmmsg slots: with receive offload each may hold dozens of datagrams. */
    private static final int SLOTS = 8;

    private final UdpSocket socket;
    private final Endpoint hub;
    private final int index;
    private volatile int header;
    private final ReceiveBatch in = new ReceiveBatch(SLOTS);
    private final SendBatch out = new SendBatch();
    private final UdpSocket.Readiness readable;
    private final UdpSocket.Readiness writable;
    private ByteBuffer destination; // the reader's: the buffer it read into last, and a segment of all of it
    private MemorySegment destinationSegment;

    ClientConnection(UdpSocket socket, InetSocketAddress hub) {
        this.socket = socket;
        this.hub = Endpoint.of(hub, socket.family());
        this.index = DatagramHeader.newIndex();
        this.header = index | DatagramHeader.OPENING;
        this.readable = socket.readable();
        this.writable = socket.writable();
    }

    @Override
    public boolean carriesDatagrams() {
        return true;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (true) {
            while (in.next()) {
                int length = in.length() - DatagramHeader.LENGTH;
                MemorySegment data = in.data();
                if (length <= 0 || length > dst.remaining()
                        || data.get(DatagramHeader.WORD, in.offset()) != index
                        || !hub.matches(in.sources(), in.sourceOffset(), in.sourceLength())) {
                    continue; // not the hub's answer on this connection, or too long to take whole
                }
                header = index; // the hub knows this connection now
                MemorySegment.copy(data, in.offset() + DatagramHeader.LENGTH, segmentOf(dst), dst.position(), length);
                dst.position(dst.position() + length);
                return length;
            }
            if (!in.receive(socket)) {
                readable.await();
            }
        }
    }

    private MemorySegment segmentOf(ByteBuffer dst) {
        if (dst != destination) {
            destination = dst;
            destinationSegment = MemorySegment.ofBuffer(dst.duplicate().clear());
        }
        return destinationSegment;
    }

    @Override
    public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        out.send(socket, srcs, offset, length, header, hub, writable, true);
    }

    @Override
    public long writeWithoutBlocking(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return out.send(socket, srcs, offset, length, header, hub, writable, false);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return hub.address();
    }

    @Override
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "udp " + socket.localAddress() + " -> " + hub.address() + " #" + Integer.toHexString(index);
    }
}
