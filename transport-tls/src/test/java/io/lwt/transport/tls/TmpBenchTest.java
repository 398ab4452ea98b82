package io.lwt.transport.tls;

import static io.lwt.transport.tls.Loopback.ANY_PORT;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TmpBenchTest {
    @TempDir Path dir;

    @Test
    void bench() throws Exception {
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        Transport client = Loopback.transport(dir, "insecure-skip-verify", "true");
        long total = Long.getLong("bench.bytes", 2L << 30);
        try (Listener listener = hub.listen(ANY_PORT)) {
            CompletableFuture<Connection> acc = CompletableFuture.supplyAsync(() -> { try { var c = listener.accept(); c.read(ByteBuffer.allocate(0)); return c; } catch (Exception e) { throw new RuntimeException(e); } });
            Connection c = client.dial(listener.localAddress(), Loopback.TIMEOUT);
            Connection h = acc.get();
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                Thread writer = Thread.ofVirtual().start(() -> {
                    ByteBuffer[] batch = new ByteBuffer[64];
                    for (int i = 0; i < 64; i++) batch[i] = ByteBuffer.allocateDirect(1400);
                    try {
                        for (long left = total; left > 0; left -= 64 * 1400) {
                            for (ByteBuffer b : batch) b.clear();
                            c.write(batch, 0, 64);
                        }
                    } catch (Exception e) { throw new RuntimeException(e); }
                });
                ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
                long got = 0; long want = ((total + 64 * 1400 - 1) / (64 * 1400)) * 64 * 1400;
                while (got < want) { int n = h.read(in.clear()); got += n; }
                writer.join();
                System.out.printf("round %d: %.0f MB/s%n", round, got / 1e6 / ((System.nanoTime() - start) / 1e9));
            }
        }
    }
}
