package io.lwt.transport.udp;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A hub's UDP socket, which all its clients' connections share. One platform thread receives every datagram, in
 * batches, and puts each in the {@link Inbox} of the connection its header's index names; an opening datagram under
 * an index not in use makes a new connection, which {@link #accept} hands out. Connections send through the socket
 * themselves, from their writers' threads.
 *
 * <p>Closing the listener stops new connections; the socket stays open until the last connection closes, so that
 * sessions can send what they have queued.
 */
final class UdpListener implements Listener {

    private static final System.Logger LOG = System.getLogger(UdpListener.class.getName());
    /** New connections not accepted yet; an opening datagram beyond them is dropped, as a SYN beyond a backlog. */
    private static final int BACKLOG = 128;
    /** recvmmsg slots: with receive offload each may hold dozens of datagrams. */
    private static final int SLOTS = 16;
    private static final Object CLOSED = new Object();

    private final UdpSocket socket;
    private final IndexTable<HubConnection> connections = new IndexTable<>(HubConnection[]::new);
    private final BlockingQueue<Object> accepted = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    UdpListener(UdpSocket socket) {
        this.socket = socket;
        Thread.ofPlatform().name("lwt-udp-receiver " + socket.localAddress()).daemon()
                .start(this::receiveLoop);
    }

    @Override
    public Connection accept() throws IOException {
        try {
            Object next = accepted.take();
            if (next == CLOSED) {
                accepted.add(CLOSED); // for any other thread accepting
                throw new ClosedChannelException();
            }
            return (HubConnection) next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.nio.channels.ClosedByInterruptException();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    UdpSocket socket() {
        return socket;
    }

    private void receiveLoop() {
        ReceiveBatch batch = new ReceiveBatch(SLOTS);
        UdpSocket.Readiness readable = socket.readable();
        try {
            while (true) {
                if (!batch.receive(socket)) {
                    readable.await();
                    continue;
                }
                while (batch.next()) {
                    dispatch(batch);
                }
            }
        } catch (ClosedChannelException e) {
            // the last connection closed after the listener
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "{0}: receiving failed, closing every session on it: {1}", socket, e.toString());
            close();
            for (HubConnection c : connections.all()) {
                c.close();
            }
        }
    }

    /** Hands one datagram to its connection, or makes one for it if it opens one. */
    private void dispatch(ReceiveBatch batch) {
        int length = batch.length() - DatagramHeader.LENGTH;
        if (length <= 0) {
            return;
        }
        MemorySegment data = batch.data();
        int word = data.get(DatagramHeader.WORD, batch.offset());
        int index = word & DatagramHeader.INDEX;
        HubConnection connection = connections.get(index);
        if (connection == null) {
            if ((word & DatagramHeader.OPENING) == 0 || index == 0 || closed || accepted.size() >= BACKLOG) {
                return;
            }
            Endpoint from = Endpoint.read(batch.sources(), batch.sourceOffset(), batch.sourceLength());
            connection = new HubConnection(this, index, from);
            connections.put(index, connection);
            accepted.add(connection);
        }
        connection.deliver(data, batch.offset() + DatagramHeader.LENGTH, length, batch.sources(),
                batch.sourceOffset(), batch.sourceLength());
    }

    /** A connection closed: it gets no more datagrams, and the last one after the listener closes the socket. */
    void forget(HubConnection connection) {
        connections.remove(connection.index(), connection);
        if (closed && connections.size() == 0) {
            socket.close();
        }
    }

    /** Accepts no more connections; those not accepted yet are closed. */
    @Override
    public void close() {
        closed = true;
        for (Object pending; (pending = accepted.poll()) != null; ) {
            if (pending instanceof HubConnection c) {
                c.close();
            }
        }
        accepted.add(CLOSED);
        if (connections.size() == 0) {
            socket.close();
        }
    }
}
