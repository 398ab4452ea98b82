package io.lwt.testsupport;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory datagram transport for tests without sockets: each dial makes a pair of {@link End}s joined by two
 * {@link Path}s that lose, duplicate and reorder datagrams as their {@link Impairment} says, from a seeded random
 * source so that a run can be repeated. An end remembers where each datagram came from, as a UDP socket does, and a
 * hub's end sends to the source of the last datagram it read once {@link Connection#authenticated} says so, which is
 * how roaming is tested; a test can move a client's source ({@link End#roam}) and inject datagrams of its own.
 */
public final class MemoryDatagrams implements Transport {

    /** What a path does to datagrams, each a probability from 0 to 1. */
    public record Impairment(double loss, double duplication, double reordering) {
        public static final Impairment NONE = new Impairment(0, 0, 0);
    }

    /** The hub's address as clients see it, whatever it was told to listen on: a value only, no socket is bound. */
    public static final InetSocketAddress HUB = loopback(1, 0, 1, 9000);
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private final Random random;
    private final Impairment toHub;
    private final Impairment toClient;
    private final BlockingQueue<End> accepted = new LinkedBlockingQueue<>();
    private final BlockingQueue<End> dialed = new LinkedBlockingQueue<>();
    private final AtomicInteger losingFirst = new AtomicInteger();

    public MemoryDatagrams(long seed, Impairment toHub, Impairment toClient) {
        this.random = new Random(seed);
        this.toHub = toHub;
        this.toClient = toClient;
    }

    public MemoryDatagrams() {
        this(1, Impairment.NONE, Impairment.NONE);
    }

    @Override
    public boolean carriesDatagrams() {
        return true;
    }

    @Override
    public String toString() {
        return "memory datagrams";
    }

    @Override
    public Listener listen(InetSocketAddress local) {
        return new Listener() {
            private volatile boolean closed;

            @Override
            public Connection accept() throws IOException {
                try {
                    End end = accepted.take();
                    if (end == End.CLOSED_LISTENER || closed) {
                        throw new ClosedChannelException();
                    }
                    return end;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }

            @Override
            public InetSocketAddress localAddress() {
                return HUB;
            }

            @Override
            public void close() {
                closed = true;
                accepted.add(End.CLOSED_LISTENER);
            }
        };
    }

    @Override
    public Connection dial(InetSocketAddress remote, Duration timeout) {
        int n = CLIENTS.incrementAndGet();
        InetSocketAddress client = loopback(2, n >>> 8, n, 40000);
        End hubEnd = new End(HUB, client);
        End clientEnd = new End(client, remote);
        clientEnd.join(hubEnd, new Path(toHub), new Path(toClient));
        if (losingFirst.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            clientEnd.out.dropNext(1);
        }
        accepted.add(hubEnd);
        dialed.add(clientEnd);
        return clientEnd;
    }

    /** Loses the first datagram a client sends on each of the next {@code connections} connections dialed. */
    public void loseFirstDatagramOfNext(int connections) {
        losingFirst.set(connections);
    }

    /** The client end of the next connection dialed from now on, or of one dialed before and not taken yet. */
    public End awaitDialed(Duration timeout) throws InterruptedException {
        return dialed.poll(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The address 127.a.b.c:port. */
    public static InetSocketAddress loopback(int a, int b, int c, int port) {
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(new byte[] {127, (byte) a, (byte) b, (byte) c}),
                    port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** One direction between two ends: what it loses, duplicates and holds back. Counts are for assertions. */
    public final class Path {
        private final Impairment impairment;
        private Datagram held;
        private int dropNext;
        private int sent;
        private int lost;
        private int duplicated;
        private int largest;

        Path(Impairment impairment) {
            this.impairment = impairment;
        }

        synchronized void send(End to, Datagram d) {
            sent++;
            largest = Math.max(largest, d.bytes.length);
            if (dropNext > 0 || chance(impairment.loss)) {
                dropNext = Math.max(0, dropNext - 1);
                lost++;
                return;
            }
            if (held == null && chance(impairment.reordering)) {
                held = d; // it goes after the next one
                return;
            }
            to.inbox.add(d);
            if (chance(impairment.duplication)) {
                duplicated++;
                to.inbox.add(d);
            }
            if (held != null) {
                to.inbox.add(held);
                held = null;
            }
        }

        /** Loses the next {@code n} datagrams, whatever the impairment. */
        public synchronized void dropNext(int n) {
            dropNext = n;
        }

        public synchronized int sent() {
            return sent;
        }

        public synchronized int lost() {
            return lost;
        }

        public synchronized int duplicated() {
            return duplicated;
        }

        /** The longest datagram sent so far, in bytes. */
        public synchronized int largest() {
            return largest;
        }

        private boolean chance(double p) {
            synchronized (random) {
                return p > 0 && random.nextDouble() < p;
            }
        }
    }

    private record Datagram(byte[] bytes, InetSocketAddress source) {}

    /** One end of a datagram connection. */
    public static final class End implements Connection {
        static final End CLOSED_LISTENER = new End(null, null);
        private static final Datagram CLOSED = new Datagram(new byte[0], null);

        private final BlockingQueue<Datagram> inbox = new LinkedBlockingQueue<>();
        private final InetSocketAddress local;
        private volatile InetSocketAddress remote;
        private volatile InetSocketAddress source;
        private InetSocketAddress lastSource; // the reader's
        private End peer;
        private Path out;
        private Path in;
        private volatile boolean closed;
        private volatile byte[] lastSent;

        End(InetSocketAddress local, InetSocketAddress remote) {
            this.local = local;
            this.remote = remote;
            this.source = local;
        }

        void join(End hubEnd, Path toHub, Path toClient) {
            peer = hubEnd;
            out = toHub;
            in = toClient;
            hubEnd.peer = this;
            hubEnd.out = toClient;
            hubEnd.in = toHub;
        }

        @Override
        public boolean carriesDatagrams() {
            return true;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            while (true) {
                Datagram d;
                try {
                    d = inbox.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                if (d == CLOSED || closed) {
                    inbox.add(CLOSED);
                    return -1;
                }
                if (d.bytes.length <= dst.remaining()) {
                    lastSource = d.source;
                    dst.put(d.bytes);
                    return d.bytes.length;
                }
            }
        }

        @Override
        public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            for (int i = offset; i < offset + length; i++) {
                byte[] bytes = new byte[srcs[i].remaining()];
                srcs[i].get(bytes);
                lastSent = bytes;
                out.send(peer, new Datagram(bytes, source));
            }
        }

        @Override
        public void authenticated() {
            InetSocketAddress from = lastSource;
            if (from != null && !from.equals(remote)) {
                remote = from;
            }
        }

        /** Sends from {@code address} from now on, as a client whose address changed. */
        public void roam(InetSocketAddress address) {
            source = address;
        }

        /** Puts a datagram in this end's inbox as if {@code from} sent it. */
        public void inject(byte[] bytes, InetSocketAddress from) {
            inbox.add(new Datagram(bytes.clone(), from));
        }

        /** The bytes of the last datagram this end sent. */
        public byte[] lastSent() {
            return lastSent.clone();
        }

        /** The peer's end. */
        public End peer() {
            return peer;
        }

        /** The path from this end to its peer. */
        public Path out() {
            return out;
        }

        /** The path from its peer to this end. */
        public Path in() {
            return in;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return remote;
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public void close() {
            closed = true;
            inbox.add(CLOSED);
        }
    }
}
