package io.lwt.transport.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The socket's input for BouncyCastle, buffered so that a record header and its body take one system call, not
 * two. It also checks that the peer's first bytes start a TLS record (so a plaintext peer gets a clear error instead
 * of a decoding failure) and enforces the client's handshake deadline.
 */
final class RecordInput extends InputStream {

    private static final int BUFFER = 32 * 1024;
    private static final int CONTENT_TYPE_MIN = 20; // change_cipher_spec
    private static final int CONTENT_TYPE_MAX = 24; // heartbeat
    private static final int TLS_MAJOR_VERSION = 3;

    private final Socket socket;
    private final InputStream in;
    private final RecordOutput output;
    private final String notTls;
    private final byte[] buffer = new byte[BUFFER];
    private int position;
    private int limit;
    private long received;
    private boolean endOfStream;
    private long deadline;
    private boolean hasDeadline;

    /**
     * @param output whose held handshake flight is sent before each read
     * @param notTls the message when the peer's first bytes are not TLS
     */
    RecordInput(Socket socket, RecordOutput output, String notTls) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.output = output;
        this.notTls = notTls;
    }

    /** Reads fail with a {@link SocketTimeoutException} after this {@link System#nanoTime()}. */
    void deadline(long nanoTime) {
        deadline = nanoTime;
        hasDeadline = true;
    }

    void clearDeadline() throws IOException {
        hasDeadline = false;
        socket.setSoTimeout(0);
    }

    /** Whether the peer closed its side (end of stream was read). */
    boolean ended() {
        return endOfStream;
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position == limit && !fill()) {
            return -1;
        }
        int n = Math.min(len, limit - position);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return limit - position;
    }

    /** Closes the socket, after sending a held alert. */
    @Override
    public void close() throws IOException {
        output.close();
    }

    private boolean fill() throws IOException {
        output.release();
        if (hasDeadline) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new SocketTimeoutException("handshake deadline passed");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE,
                    TimeUnit.NANOSECONDS.toMillis(remaining))));
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            endOfStream = true;
            return false;
        }
        checkRecordStart(n);
        received += n;
        position = 0;
        limit = n;
        return true;
    }

    /** The first record's content type and major version (3 for every TLS version) must be there. */
    private void checkRecordStart(int n) throws NotTlsException {
        for (int i = 0; i < n && received + i < 2; i++) {
            int value = buffer[i] & 0xff;
            boolean ok = received + i == 0 ? value >= CONTENT_TYPE_MIN && value <= CONTENT_TYPE_MAX
                    : value == TLS_MAJOR_VERSION;
            if (!ok) {
                throw new NotTlsException(notTls);
            }
        }
    }
}
