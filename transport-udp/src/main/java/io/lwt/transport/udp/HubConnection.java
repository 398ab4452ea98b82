package io.lwt.transport.udp;

import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A hub's connection with one client, on the hub's shared socket: its reader takes what the listener's receiving
 * thread put in its {@link Inbox}; its writer sends through the socket to where the client is now. That place moves
 * only when a datagram from a new one proved to be the client's ({@link #authenticated}): a client whose address
 * changed (roaming, a NAT's new mapping) keeps its session, and a forged source address moves nothing.
 */
final class HubConnection implements Connection {

    private static final System.Logger LOG = System.getLogger(HubConnection.class.getName());
    /**
     * What waits for a session's reader once the hub has answered it (it answers only a handshake that proved the
     * hub's key): about 180 datagrams of 1,400 bytes. Before, a few handshake messages: a flood of opening datagrams,
     * each a connection, costs the hub a small ring each.
     */
    private static final int INBOX = 256 << 10;
    private static final int OPENING_INBOX = 16 << 10;

    private final UdpListener listener;
    private final int index;
    private volatile Inbox inbox = new Inbox(OPENING_INBOX);
    private Inbox readFrom; // the reader's: the ring of the datagram read last
    private volatile Endpoint peer;
    private final UdpSocket.Readiness writable;
    private final AtomicBoolean closed = new AtomicBoolean();
    private SendBatch out; // the writer's, made at the first write (a connection that never authenticates writes nothing)
    private final DropCount overflows = new DropCount(); // the listener's thread's

    HubConnection(UdpListener listener, int index, Endpoint peer) {
        this.listener = listener;
        this.index = index;
        this.peer = peer;
        this.writable = listener.socket().writable();
    }

    int index() {
        return index;
    }

    @Override
    public boolean carriesDatagrams() {
        return true;
    }

    /** The listener's thread: a datagram for this connection, from the sockaddr at {@code sources[sourceOffset]}. */
    void deliver(MemorySegment data, long offset, int length, MemorySegment sources, long sourceOffset, int sourceLength) {
        InetSocketAddress other = peer.matches(sources, sourceOffset, sourceLength) ? null
                : Endpoint.read(sources, sourceOffset, sourceLength).address();
        if (!inbox.offer(data, offset, length, other)) {
            long told = overflows.add(1);
            if (told > 0) {
                LOG.log(Level.WARNING, "{0}: {1} datagram(s) dropped, the session reads slower than they come",
                        this, told);
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (true) {
            Inbox in = inbox;
            int n = in.take(dst);
            if (n != Inbox.RETIRED) {
                readFrom = in;
                return n;
            }
        }
    }

    @Override
    public void authenticated() {
        InetSocketAddress from = readFrom.lastSource();
        Endpoint now = peer;
        if (from != null && !from.equals(now.address())) {
            LOG.log(Level.INFO, "udp: the peer moved from {0} to {1}", now.address(), from);
            peer = Endpoint.of(from, listener.socket().family());
        }
    }

    @Override
    public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        send(srcs, offset, length, true);
    }

    @Override
    public long writeWithoutBlocking(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return send(srcs, offset, length, false);
    }

    private long send(ByteBuffer[] srcs, int offset, int length, boolean wait) throws IOException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        if (out == null) {
            out = new SendBatch();
            grow();
        }
        return out.send(listener.socket(), srcs, offset, length, index, peer, writable, wait);
    }

    /** Replaces the small ring of a stranger by the large one of a session the hub answers. */
    private void grow() {
        Inbox small = inbox;
        Inbox large = new Inbox(INBOX);
        inbox = large;
        small.retire();
        if (closed.get()) { // close() may have closed the small one only
            large.close();
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return peer.address();
    }

    @Override
    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            inbox.close();
            writable.close();
            listener.forget(this);
        }
    }

    @Override
    public String toString() {
        return "udp " + listener.localAddress() + " -> " + peer.address() + " #" + Integer.toHexString(index);
    }
}
