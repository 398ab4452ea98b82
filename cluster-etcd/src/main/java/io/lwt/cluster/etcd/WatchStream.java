package io.lwt.cluster.etcd;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One open watch stream of etcd's gateway, which writes one JSON message a line. A virtual thread of its own
 * ({@code lwt-etcd-watch-stream}) reads the lines and hands them over, parsed, through a small queue; the watch's
 * thread takes them with a time limit, so that it can notice a silent stream while the reader is blocked. Closing it
 * (the watch's thread, or whoever closes the watch) ends the reader.
 */
final class WatchStream implements AutoCloseable {

    /** Messages read ahead of the watch's thread; the reader waits beyond them, and TCP pushes back on etcd. */
    private static final int AHEAD = 16;

    private final URI endpoint;
    private final InputStream body;
    private final InputStream buffered;
    /** Messages ({@link JsonObject}), then the {@link IOException} that ended the stream. */
    private final BlockingQueue<Object> messages = new ArrayBlockingQueue<>(AHEAD);
    private final Thread reader;
    private volatile boolean closed;

    WatchStream(EtcdClient.Stream stream) {
        this.endpoint = stream.endpoint();
        this.body = stream.body();
        this.buffered = new BufferedInputStream(body);
        this.reader = Thread.ofVirtual().name("lwt-etcd-watch-stream " + endpoint).start(this::read);
    }

    URI endpoint() {
        return endpoint;
    }

    /**
     * The next message's result ({@code {"result": {...}}}), or null if none came within {@code patience}.
     *
     * @throws IOException when the stream ended, broke, or etcd sent an error instead
     */
    JsonObject next(Duration patience) throws IOException {
        Object next;
        try {
            next = messages.poll(patience.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while watching");
        }
        if (next instanceof IOException failure) {
            throw failure;
        }
        try {
            return next == null ? null : EtcdClient.result((JsonObject) next);
        } catch (IOException e) {
            throw new IOException(endpoint + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        try {
            body.close();
        } catch (IOException e) {
            // closing is all that is left to do with it
        }
    }

    private void read() {
        IOException end;
        try {
            byte[] line;
            while ((line = line()) != null) {
                if (line.length > 0) {
                    messages.put(JsonObject.of(JsonReader.parse(line, EtcdClient.MAX_ANSWER)));
                }
            }
            end = new EOFException("etcd " + endpoint + " ended the watch stream");
        } catch (IOException e) {
            end = new IOException("the watch stream from " + endpoint + " broke: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            return; // closed
        }
        try {
            if (!closed) {
                messages.put(end);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** The next line without its end, or null at the end of the stream. */
    private byte[] line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = buffered.read()) != '\n') {
            if (b < 0) {
                return line.size() == 0 ? null : line.toByteArray();
            }
            if (line.size() == EtcdClient.MAX_ANSWER) {
                throw new IOException("a watch message over " + EtcdClient.MAX_ANSWER + " bytes");
            }
            line.write(b);
        }
        return line.toByteArray();
    }
}
