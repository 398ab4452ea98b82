package io.lwt.transport.tls;

import io.lwt.api.Side;
import io.lwt.api.transport.Connection;
import io.lwt.cert.Credentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.bouncycastle.tls.TlsProtocol;

/**
 * One TLS connection over a blocking socket. BouncyCastle's blocking protocol is safe for one reader and one writer
 * at once: application data is written under its own lock and each direction has its own cipher, sequence number
 * and buffers; the only records written from other threads (alerts) pass the {@link RecordGate}. A hub's handshake
 * runs on the first read or write, once, whichever thread comes first (the other waits), so accepting never waits
 * for a client; {@link #close()} from any thread closes the socket, which ends a pending handshake and unblocks both
 * directions. A hub's {@link ClientTrust} follows its accepted connections until they close, and {@link #end}s one
 * whose certificate a CRL read anew revokes.
 */
final class TlsConnection implements Connection {

    /** Plaintext handed to BouncyCastle per call: a multiple of the 16 KiB record limit, so only a batch's last record is short. */
    private static final int WRITE_CHUNK = 4 * 16 * 1024;
    private static final int READ_CHUNK = 16 * 1024;

    @FunctionalInterface
    private interface Handshake {
        Negotiated run() throws IOException;
    }

    private final Socket socket;
    private final TlsProtocol protocol;
    private final RecordInput input;
    private final RecordGate gate;
    private final Side side;
    private final Handshake handshake;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    /** Told once this connection closes, from whichever thread closes it. */
    private final Consumer<TlsConnection> onClose;
    private final ReentrantLock handshakeLock = new ReentrantLock();
    private final byte[] readChunk = new byte[READ_CHUNK];
    private final byte[] writeChunk = new byte[WRITE_CHUNK];
    private volatile Negotiated negotiated;
    private volatile boolean closed;
    /** Why this side ended the connection, when it had a reason to give: the failures that follow report it. */
    private volatile String endedFor;
    private IOException handshakeFailure; // guarded by handshakeLock

    private TlsConnection(Socket socket, TlsProtocol protocol, RecordInput input, RecordGate gate, Side side,
            Handshake handshake, Consumer<TlsConnection> onClose) {
        this.socket = socket;
        this.onClose = onClose;
        this.protocol = protocol;
        this.input = input;
        this.gate = gate;
        this.side = side;
        this.handshake = handshake;
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.local = (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /**
     * Runs the client handshake on a connected socket, failing when {@code deadline} ({@link System#nanoTime()})
     * passes first.
     */
    static TlsConnection dialed(Socket socket, ClientPeer peer, long deadline) throws IOException {
        RecordGate gate = new RecordGate();
        RecordOutput output = new RecordOutput(socket.getOutputStream());
        RecordInput input = new RecordInput(socket, output, "the hub did not answer with TLS (is its transport tcp?)");
        input.deadline(deadline);
        ClientProtocol protocol = new ClientProtocol(input, output, gate);
        TlsConnection connection = new TlsConnection(socket, protocol, input, gate, Side.CLIENT, () -> {
            protocol.connect(peer);
            output.endHandshake();
            input.clearDeadline();
            return peer.negotiated();
        }, closed -> {});
        connection.handshake();
        return connection;
    }

    /** An accepted socket whose handshake waits for the first read or write; {@code clients} follows it. */
    static TlsConnection accepted(Socket socket, JdkTlsCrypto crypto, TlsSettings settings, Credentials credentials,
            ClientTrust clients) throws IOException {
        RecordGate gate = new RecordGate();
        RecordOutput output = new RecordOutput(socket.getOutputStream());
        RecordInput input = new RecordInput(socket, output, "the peer does not speak TLS (is its transport tcp?)");
        ServerProtocol protocol = new ServerProtocol(input, output, gate);
        HubPeer peer = new HubPeer(crypto, settings, credentials, clients);
        TlsConnection connection = new TlsConnection(socket, protocol, input, gate, Side.SERVER, () -> {
            protocol.accept(peer);
            output.endHandshake();
            return peer.negotiated();
        }, clients::forget);
        clients.track(connection, peer);
        return connection;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        handshake();
        if (!dst.hasRemaining()) {
            return 0;
        }
        int n;
        try {
            n = protocol.readApplicationData(readChunk, 0, Math.min(readChunk.length, dst.remaining()));
        } catch (IOException | RuntimeException e) {
            throw failure(e, false);
        }
        if (n < 0) {
            String reason = endedFor;
            if (reason != null) {
                // BouncyCastle may take the socket this side closed for the peer's end of stream
                throw new IOException("tls: " + reason);
            }
            return -1;
        }
        dst.put(readChunk, 0, n);
        return n;
    }

    /** Coalesces the batch into as few records as possible: full 16 KiB records, and one shorter at the end. */
    @Override
    public void write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        handshake();
        int end = offset + length;
        gate.lock();
        try {
            int next = offset;
            while (next < end) {
                int filled = 0;
                while (next < end && filled < writeChunk.length) {
                    ByteBuffer src = srcs[next];
                    int n = Math.min(src.remaining(), writeChunk.length - filled);
                    src.get(writeChunk, filled, n);
                    filled += n;
                    if (!src.hasRemaining()) {
                        next++;
                    }
                }
                if (filled > 0) {
                    protocol.writeApplicationData(writeChunk, 0, filled);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw failure(e, false);
        } finally {
            gate.unlock();
        }
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
    public Optional<String> peerIdentity() {
        Negotiated done = negotiated;
        return done == null ? Optional.empty() : done.peerIdentity();
    }

    /** The TLS exporter of this session, which binds the session handshake to it; a hub's TLS handshake runs first. */
    @Override
    public Optional<byte[]> channelBinding() throws IOException {
        handshake();
        return Optional.of(negotiated.exporter().clone());
    }

    /** What the handshake agreed on, or {@code null} before it finished. */
    Negotiated negotiated() {
        return negotiated;
    }

    /**
     * Closes the socket without a close_notify: sending one could block on a peer that stopped reading, and the
     * tunnel's framing already tells a cut-off message from a finished one.
     */
    @Override
    public void close() throws IOException {
        closed = true;
        try {
            socket.close();
        } finally {
            onClose.accept(this);
        }
    }

    /** Closes the connection for {@code reason}, which its blocked and later reads and writes then throw. */
    void end(String reason) {
        endedFor = reason;
        try {
            close();
        } catch (IOException e) {
            // the socket is closed all the same
        }
    }

    @Override
    public String toString() {
        Negotiated done = negotiated;
        return "tls " + local + " -> " + remote + (done == null ? "" : " " + done);
    }

    private void handshake() throws IOException {
        if (negotiated != null) {
            return;
        }
        handshakeLock.lock();
        try {
            if (negotiated != null) {
                return;
            }
            if (handshakeFailure != null) {
                throw new IOException(handshakeFailure.getMessage(), handshakeFailure);
            }
            try {
                negotiated = handshake.run();
            } catch (IOException | RuntimeException e) {
                handshakeFailure = failure(e, true);
                close();
                throw handshakeFailure;
            }
        } finally {
            handshakeLock.unlock();
        }
    }

    private IOException failure(Throwable e, boolean handshaking) {
        return TlsErrors.describe(e, new TlsErrors.Circumstances(side, handshaking, input.ended(), closed, endedFor));
    }
}
