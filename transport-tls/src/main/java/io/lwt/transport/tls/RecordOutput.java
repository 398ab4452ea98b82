package io.lwt.transport.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The socket's output for BouncyCastle. During the handshake it holds each flight until the handshake thread reads
 * (or the handshake ends, or fails), so a flight leaves in one write: a peer that refuses the flight's first message
 * and closes then cannot turn our next record into a "broken pipe" that hides its alert, and the handshake takes
 * fewer packets. Afterwards records go straight to the socket; only the handshake thread ever uses the held bytes,
 * so nothing here is locked (a lock would let a writer blocked on a full socket stall the reader).
 */
final class RecordOutput extends OutputStream {

    private final OutputStream socket;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private volatile boolean holding = true;

    RecordOutput(OutputStream socket) {
        this.socket = socket;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (holding) {
            held.write(b, off, len);
        } else {
            socket.write(b, off, len);
        }
    }

    /** Sends what the handshake holds; the next read would otherwise wait for an answer to it. */
    void release() throws IOException {
        if (holding && held.size() > 0) {
            held.writeTo(socket);
            held.reset();
        }
    }

    /** Sends what is held and writes through from now on. */
    void endHandshake() throws IOException {
        release();
        holding = false;
    }

    /** Sends a held alert if the peer still listens (a failure here must not hide the real one), then closes. */
    @Override
    public void close() throws IOException {
        try {
            release();
        } catch (IOException e) {
            // the peer is gone; the alert was a courtesy
        } finally {
            socket.close();
        }
    }
}
