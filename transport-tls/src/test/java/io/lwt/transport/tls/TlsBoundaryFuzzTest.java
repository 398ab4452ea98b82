package io.lwt.transport.tls;

import static io.lwt.transport.tls.Loopback.ANY_PORT;
import static io.lwt.transport.tls.Loopback.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of what a TLS hub reads first: mutations of a real ClientHello (bit flips, changed length fields,
 * cuts, bytes appended) and records of random type, version, length and body. Each input reaches the hub on a fresh
 * loopback connection whose client then stops sending. The hub's first read must end, within the deadline, at end of
 * stream or with an IOException of one line starting "tls: " that names the cause in words (not an exception's class
 * name); a runtime exception, an error or a hang is a finding,
 * reported with the input in hex. BouncyCastle parses the records; this checks the boundary around it (RecordInput's
 * first-bytes check, TlsErrors, the handshake on first read) and that the listener serves the next connection.
 */
class TlsBoundaryFuzzTest {

    private static final int CASES = 400;
    private static final int RECORD_HEADER = 5;
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path dir;

    @Test
    void mutatedClientHellosAndRandomRecordsEndOnlyTheirConnectionInOneLine() throws Exception {
        byte[] hello = clientHello();
        long seed = Long.getLong("lwt.fuzz.seed", "tls boundary".hashCode());
        Random random = new Random(seed);
        Transport hub = Loopback.transport(dir, "certificate", "auto");
        int endOfStream = 0;
        int refused = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        long slowestNanos = 0;
        try (Listener listener = hub.listen(ANY_PORT); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CASES; i++) {
                byte[] input = i % 3 == 0 ? randomRecords(random) : mutate(hello, random);
                long start = System.nanoTime();
                String outcome = firstRead(listener, threads, input);
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
                if (outcome == null) {
                    endOfStream++;
                } else {
                    assertTrue(outcome.startsWith("tls: ") && !outcome.contains("\n")
                            && !outcome.matches(".*\\b\\w+(Exception|Error)$"),
                            "one line naming the cause in words, not \"" + outcome + "\", for " + HEX.formatHex(input));
                    refused++;
                    reasons.merge(outcome.replaceAll("[0-9]+", "N"), 1, Integer::sum);
                }
            }
        }
        System.out.printf("fuzz tls boundary: %d inputs, %d refused in one line, %d ended at end of stream, slowest"
                + " %.1f ms, seed %d; %d distinct reasons: %s%n", CASES, refused, endOfStream, slowestNanos / 1e6, seed,
                reasons.size(), reasons);
    }

    /** Sends {@code input} on a new connection and returns the hub's one-line error, or null at end of stream. */
    private static String firstRead(Listener listener, ExecutorService threads, byte[] input) throws Exception {
        InetSocketAddress at = listener.localAddress();
        try (Socket client = new Socket(at.getAddress(), at.getPort())) {
            Future<?> sent = threads.submit(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    out.write(input);
                    client.shutdownOutput();
                } catch (IOException e) {
                    // the hub closed first, having seen enough
                }
            });
            try (Connection accepted = listener.accept()) {
                Future<String> read = threads.submit(() -> {
                    try {
                        ByteBuffer buffer = ByteBuffer.allocate(1024);
                        int n = accepted.read(buffer);
                        if (n >= 0) {
                            throw new AssertionError(n + " bytes of application data from garbage");
                        }
                        return null;
                    } catch (IOException e) {
                        return e.getMessage();
                    }
                });
                try {
                    return read.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    return fail("the hub's first read hangs on " + HEX.formatHex(input));
                } catch (ExecutionException e) {
                    throw new AssertionError(e.getCause() + " escaped for " + HEX.formatHex(input), e.getCause());
                }
            } finally {
                sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    /** The first record a real client of this transport sends: its ClientHello. */
    private byte[] clientHello() throws Exception {
        Transport client = Loopback.transport(dir, "insecure-skip-verify", "true");
        try (ServerSocket server = new ServerSocket(0, 1, ANY_PORT.getAddress())) {
            CompletableFuture<Void> dialing = CompletableFuture.runAsync(() -> {
                try {
                    client.dial(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), TIMEOUT).close();
                } catch (IOException e) {
                    // expected: nobody answers the hello
                }
            });
            byte[] record;
            try (Socket s = server.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] header = in.readNBytes(RECORD_HEADER);
                int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                record = Arrays.copyOf(header, RECORD_HEADER + length);
                in.readFully(record, RECORD_HEADER, length);
            }
            dialing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(22, record[0], "a handshake record");
            return record;
        }
    }

    /** A few bit flips, a changed length field, a cut or appended bytes: one of them, or two. */
    private static byte[] mutate(byte[] hello, Random random) {
        byte[] input = hello.clone();
        for (int round = random.nextInt(2) + 1; round > 0; round--) {
            switch (random.nextInt(4)) {
                case 0 -> {
                    for (int flips = random.nextInt(4) + 1; flips > 0; flips--) {
                        int at = random.nextInt(input.length);
                        input[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> { // a length field: the record's (3..4), the handshake's (6..8), or one inside
                    int at = random.nextBoolean() ? 3 + random.nextInt(6) : random.nextInt(input.length - 1);
                    int value = switch (random.nextInt(3)) {
                        case 0 -> 0;
                        case 1 -> 0xffff;
                        default -> random.nextInt(0x10000);
                    };
                    input[at] = (byte) (value >> 8);
                    input[at + 1] = (byte) value;
                }
                case 2 -> input = Arrays.copyOf(input, random.nextInt(input.length));
                default -> {
                    byte[] more = new byte[random.nextInt(2048)];
                    random.nextBytes(more);
                    byte[] longer = Arrays.copyOf(input, input.length + more.length);
                    System.arraycopy(more, 0, longer, input.length, more.length);
                    input = longer;
                }
            }
        }
        return input;
    }

    /** One to three records of random type (mostly the valid ones), version, length (up to beyond the limit) and body. */
    private static byte[] randomRecords(Random random) {
        ByteBuffer out = ByteBuffer.allocate(3 * (RECORD_HEADER + 1024));
        for (int records = random.nextInt(3) + 1; records > 0; records--) {
            int type = random.nextInt(4) == 0 ? random.nextInt(256) : 20 + random.nextInt(5);
            int minor = random.nextInt(5);
            int body = random.nextInt(1024);
            int declared = random.nextInt(4) == 0 ? random.nextInt(0x10000) : body;
            byte[] bytes = new byte[body];
            random.nextBytes(bytes);
            out.put((byte) type).put((byte) 3).put((byte) minor).putShort((short) declared).put(bytes);
        }
        return Arrays.copyOf(out.array(), out.position());
    }
}
