package io.lwt.transport.tls;

import static io.lwt.transport.tls.Loopback.ANY_PORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import io.lwt.cert.Certificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both directions at once under load, the record coalescing of gathered writes, and a throughput print. */
class TlsLoadTest {

    private static final long DUPLEX_BYTES = 64L << 20;
    private static final long THROUGHPUT_BYTES = 256L << 20;

    @TempDir
    Path dir;

    private Transport hub;
    private Transport client;

    /** A connected pair, hub first: the hub's side runs its handshake with an empty read while the client dials. */
    private Connection[] connect(Listener listener) throws Exception {
        CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                Connection connection = listener.accept();
                connection.read(ByteBuffer.allocate(0));
                return connection;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Connection dialed = client.dial(listener.localAddress(), Loopback.TIMEOUT);
        return new Connection[] {Loopback.await(accepted), dialed};
    }

    private void transports() throws IOException {
        hub = Loopback.transport(dir, "certificate", "auto");
        client = Loopback.transport(dir, "pin",
                Certificates.fingerprint(Certificates.readCertificates(dir.resolve("tls/tls.crt")).getFirst()));
    }

    @Test
    void fullDuplexTransferArrivesIntactInBothDirections() throws Exception {
        transports();
        try (Listener listener = hub.listen(ANY_PORT); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Connection> dialing = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.dial(listener.localAddress(), Loopback.TIMEOUT);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, threads);
            Connection[] pair = {listener.accept(), null};
            // the hub's first read and first write race for its handshake: exactly one runs it, the other waits
            List<CompletableFuture<Long>> hubSide = List.of(
                    CompletableFuture.supplyAsync(() -> send(pair[0], 1, DUPLEX_BYTES), threads),
                    CompletableFuture.supplyAsync(() -> receive(pair[0], DUPLEX_BYTES), threads));
            pair[1] = Loopback.await(dialing);
            List<CompletableFuture<Long>> sent = List.of(hubSide.get(0),
                    CompletableFuture.supplyAsync(() -> send(pair[1], 2, DUPLEX_BYTES), threads));
            List<CompletableFuture<Long>> received = List.of(hubSide.get(1),
                    CompletableFuture.supplyAsync(() -> receive(pair[1], DUPLEX_BYTES), threads));
            long hubSent = sent.get(0).get(120, TimeUnit.SECONDS);
            long clientSent = sent.get(1).get(120, TimeUnit.SECONDS);
            assertEquals(clientSent, (long) received.get(0).get(120, TimeUnit.SECONDS), "client to hub");
            assertEquals(hubSent, (long) received.get(1).get(120, TimeUnit.SECONDS), "hub to client");
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void aGatheredBatchBecomesFullRecordsAndOneShortOne() throws Exception {
        transports();
        try (Listener listener = hub.listen(ANY_PORT)) {
            Connection[] pair = connect(listener);
            ByteBuffer[] batch = new ByteBuffer[64];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = ByteBuffer.allocateDirect(1400).put(new byte[1400]).flip();
            }
            pair[1].write(batch, 0, batch.length);
            // a read returns one record: each size seen is one record's
            List<Integer> records = new ArrayList<>();
            ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
            for (int total = 0; total < 64 * 1400; ) {
                int n = pair[0].read(in.clear());
                records.add(n);
                total += n;
            }
            assertEquals(List.of(16384, 16384, 16384, 16384, 16384, 7680), records);
            pair[0].close();
            pair[1].close();
        }
    }

    /**
     * Not an assertion: numbers for people, TLS against plain TCP on the same loopback in the same run, each measured
     * after a warm-up round, with batches of 64 tunnel-sized (1400-byte) direct buffers as the engine writes them.
     * Wall-clock rates depend on what else the machine runs; the CPU time per GB (both ends, this process) does less.
     */
    @Test
    void printsLoopbackThroughputOfTlsAndPlainTcp() throws Exception {
        transports();
        Rate tls = null;
        try (Listener listener = hub.listen(ANY_PORT); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Connection[] pair = connect(listener);
            for (int round = 0; round < 2; round++) {
                tls = measure(threads, () -> blast(pair[1]), () -> drain(pair[0]));
            }
            pair[0].close();
            pair[1].close();
        }
        Rate plain = null;
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(ANY_PORT);
                SocketChannel sender = SocketChannel.open(server.getLocalAddress());
                SocketChannel receiver = server.accept();
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 2; round++) {
                plain = measure(threads, () -> blast(sender), () -> drain(receiver));
            }
        }
        System.out.printf("loopback, %d MiB one way, same run: tls %.0f MB/s (%.2f CPU-s/GB), plain tcp %.0f MB/s"
                + " (%.2f CPU-s/GB); throughput ratio %.2f%n", THROUGHPUT_BYTES >> 20, tls.megabytesPerSecond(),
                tls.cpuSecondsPerGigabyte(), plain.megabytesPerSecond(), plain.cpuSecondsPerGigabyte(),
                tls.megabytesPerSecond() / plain.megabytesPerSecond());
    }

    private interface Task {
        long run() throws IOException;
    }

    private record Rate(double megabytesPerSecond, double cpuSecondsPerGigabyte) {}

    private static Rate measure(ExecutorService threads, Task sender, Task receiver) throws Exception {
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> unchecked(sender), threads);
        CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> unchecked(receiver), threads);
        assertEquals(sent.get(120, TimeUnit.SECONDS), received.get(120, TimeUnit.SECONDS));
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        return new Rate(THROUGHPUT_BYTES / 1e6 / seconds, cpuSeconds / (THROUGHPUT_BYTES / 1e9));
    }

    /** User and system time of this process from /proc (Linux, clock ticks of 10 ms). */
    private static long processCpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L; // utime, stime
    }

    private static long unchecked(Task task) {
        try {
            return task.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long blast(Object to) throws IOException {
        ByteBuffer[] batch = new ByteBuffer[64];
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = ByteBuffer.allocateDirect(1400);
            while (batch[i].hasRemaining()) {
                batch[i].put((byte) random.nextInt());
            }
        }
        long sent = 0;
        while (sent < THROUGHPUT_BYTES) {
            int count = (int) Math.min(batch.length, (THROUGHPUT_BYTES - sent + 1399) / 1400);
            long bytes = 0;
            for (int i = 0; i < count; i++) {
                batch[i].clear().limit((int) Math.min(1400, THROUGHPUT_BYTES - sent - bytes));
                bytes += batch[i].remaining();
            }
            if (to instanceof Connection connection) {
                connection.write(batch, 0, count);
            } else {
                for (long left = bytes; left > 0; ) {
                    left -= ((SocketChannel) to).write(batch, 0, count);
                }
            }
            sent += bytes;
        }
        return sent;
    }

    private static long drain(Object from) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        long received = 0;
        while (received < THROUGHPUT_BYTES) {
            int n = from instanceof Connection connection ? connection.read(buffer.clear())
                    : ((SocketChannel) from).read(buffer.clear());
            if (n < 0) {
                throw new IOException("ended after " + received + " bytes");
            }
            received += n;
        }
        return received;
    }

    /** Writes {@code total} pseudo-random bytes in gathered batches of odd sizes; returns their checksum. */
    private static long send(Connection to, long seed, long total) {
        SplittableRandom random = new SplittableRandom(seed);
        CRC32C checksum = new CRC32C();
        ByteBuffer[] batch = new ByteBuffer[32];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = ByteBuffer.allocateDirect(9000);
        }
        try {
            for (long left = total; left > 0; ) {
                int count = 1 + random.nextInt(batch.length);
                int used = 0;
                for (; used < count && left > 0; used++) {
                    int size = (int) Math.min(left, 1 + random.nextInt(9000));
                    ByteBuffer buffer = batch[used].clear().limit(size);
                    while (buffer.remaining() >= 8) {
                        buffer.putLong(random.nextLong());
                    }
                    while (buffer.hasRemaining()) {
                        buffer.put((byte) random.nextInt());
                    }
                    buffer.flip();
                    checksum.update(buffer.duplicate());
                    left -= size;
                }
                to.write(batch, 0, used);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return checksum.getValue();
    }

    private static long receive(Connection from, long total) {
        CRC32C checksum = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        try {
            for (long left = total; left > 0; ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int n = from.read(buffer);
                if (n < 0) {
                    throw new IOException("ended with " + left + " bytes missing");
                }
                checksum.update(buffer.flip());
                left -= n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return checksum.getValue();
    }
}
