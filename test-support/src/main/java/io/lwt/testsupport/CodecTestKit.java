package io.lwt.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.ProtocolException;
import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks any codec in memory, as the engine uses it: {@link Codec#open} runs on both ends of a
 * {@link MemoryConnection} pair at once; messages are encoded in place in buffers with the codec's headroom and
 * tailroom, sent in gathered batches, and decoded from a bounded receive buffer fed by reads of arbitrary sizes, with
 * whatever the preamble left in it first. A third-party codec's tests call {@link #check}; the other methods help
 * codec-specific tests.
 */
public final class CodecTestKit {

    /** The longest any step may take: a codec that waits where it should answer or fail, fails instead. */
    private static final long TIMEOUT_SECONDS = 20;
    /** Bytes of garbage sent where a preamble or frames are due: well beyond any sane header bound. */
    private static final int GARBAGE = 128 * 1024;
    /** Messages the server sends as soon as its preamble is done, so they can arrive with its last preamble bytes. */
    private static final int EARLY_MESSAGES = 3;

    private CodecTestKit() {}

    /** Both ends' framers after the preambles, with each end's receive buffer holding what its preamble left. */
    public record Opened(MemoryConnection.Pair connections, Framer client, Framer server, ByteBuffer clientInbound,
            ByteBuffer serverInbound) {}

    /**
     * Everything, with messages of up to {@code maxMessageLength} bytes: the preambles on both ends, messages the
     * server sends at once arriving with its preamble's last bytes, round trips of random messages in both directions
     * read in chunks of 1 byte up to everything buffered, and a message longer than the limit, random garbage in
     * place of the preamble and garbage in place of frames, each rejected on both ends with a
     * {@link ProtocolException} without allocating more than a few receive buffers' worth.
     */
    public static void check(Codec codec, int maxMessageLength, long seed) throws IOException {
        Random random = new Random(seed);
        roundTrip(codec, maxMessageLength, random);
        for (Side victim : Side.values()) {
            rejectsOversize(codec, maxMessageLength, victim, random);
            rejectsGarbageInsteadOfThePreamble(codec, maxMessageLength, victim, random);
            rejectsGarbageAfterThePreamble(codec, maxMessageLength, victim, random);
        }
    }

    /**
     * Runs {@code open} on both ends of a fresh pair. When the server's preamble ends first (it answers the client),
     * the client's reads are held until the server has also sent {@code early} messages, so the client's preamble
     * reads them together with the server's last preamble bytes and must leave them in its receive buffer.
     */
    public static Opened open(Codec codec, int clientMax, int serverMax, List<byte[]> early) throws IOException {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        ByteBuffer clientInbound = ByteBuffer.allocate(receiveBuffer(codec, clientMax));
        ByteBuffer serverInbound = ByteBuffer.allocate(receiveBuffer(codec, serverMax));
        ExecutorService threads = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().factory());
        try {
            pair.client().holdReads();
            Future<Framer> server = threads.submit(() -> codec.open(pair.server(), Side.SERVER, serverMax, serverInbound));
            Future<Framer> client = threads.submit(() -> codec.open(pair.client(), Side.CLIENT, clientMax, clientInbound));
            Framer serverFramer = awaitServerOrItsWaiting(server, pair);
            if (serverFramer != null) {
                for (byte[] message : early) {
                    pair.server().write(new ByteBuffer[] {encodeDirect(codec, serverFramer, message)}, 0, 1);
                }
            }
            pair.client().releaseReads();
            Framer clientFramer = await(client, "the client's open()");
            if (serverFramer == null) {
                serverFramer = await(server, "the server's open()");
                for (byte[] message : early) {
                    pair.server().write(new ByteBuffer[] {encodeDirect(codec, serverFramer, message)}, 0, 1);
                }
            }
            return new Opened(pair, clientFramer, serverFramer, clientInbound, serverInbound);
        } catch (IOException | RuntimeException | Error e) {
            pair.close();
            throw e;
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The server's framer once its open() returned, or null when it waits for more from the client while the client
     * waits for its held reads (a preamble of more rounds, which the hold would deadlock).
     */
    private static Framer awaitServerOrItsWaiting(Future<Framer> server, MemoryConnection.Pair pair) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            try {
                return server.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (pair.server().isBlockedInRead() && pair.client().isBlockedInRead() && !server.isDone()) {
                    return null;
                }
            } catch (InterruptedException | ExecutionException e) {
                throw failure("the server's open()", e);
            }
        }
        throw new AssertionError("the server's open() neither returned nor waited for input in "
                + TIMEOUT_SECONDS + " s");
    }

    private static void roundTrip(Codec codec, int max, Random random) throws IOException {
        List<byte[]> early = messages(random, EARLY_MESSAGES, max);
        Opened opened = open(codec, max, max, early);
        try (MemoryConnection.Pair pair = opened.connections()) {
            ByteBuffer clientInbound = opened.clientInbound();
            List<byte[]> received = new ArrayList<>();
            MessageSink copying = m -> received.add(copy(m));
            clientInbound.flip();
            opened.client().decode(clientInbound, copying);
            clientInbound.compact();
            receive(opened.client(), pair.client(), clientInbound, early.size() - received.size(), 65536, random,
                    copying);
            assertMessages(early, received, "messages sent right after the server's preamble");
            for (int largestChunk : new int[] {1, 7, 1500, 65536, Integer.MAX_VALUE}) {
                int count = largestChunk == 1 ? 20 : 150;
                transfer(codec, opened.client(), pair.client(), opened.server(), pair.server(), opened.serverInbound(),
                        messages(random, count, max), largestChunk, random, "client to server, reads of up to "
                        + largestChunk + " bytes");
                transfer(codec, opened.server(), pair.server(), opened.client(), pair.client(), clientInbound,
                        messages(random, count, max), largestChunk, random, "server to client, reads of up to "
                        + largestChunk + " bytes");
            }
        }
    }

    /** A message one byte over the receiver's limit, from a sender whose own limit allows it. */
    private static void rejectsOversize(Codec codec, int max, Side victim, Random random) throws IOException {
        int larger = 2 * max + 1;
        Opened opened = victim == Side.SERVER
                ? open(codec, larger, max, List.of())
                : open(codec, max, larger, List.of());
        try (MemoryConnection.Pair pair = opened.connections()) {
            byte[] message = new byte[max + 1];
            random.nextBytes(message);
            boolean server = victim == Side.SERVER;
            MemoryConnection sender = server ? pair.client() : pair.server();
            sender.write(new ByteBuffer[] {encodeDirect(codec, server ? opened.client() : opened.server(), message)},
                    0, 1);
            sender.close();
            expectRejection(max, "a message of " + (max + 1) + " bytes to the " + victim, () -> receive(
                    server ? opened.server() : opened.client(), server ? pair.server() : pair.client(),
                    server ? opened.serverInbound() : opened.clientInbound(), 1, 65536, random, m -> { }));
        }
    }

    private static void rejectsGarbageInsteadOfThePreamble(Codec codec, int max, Side victim, Random random)
            throws IOException {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        MemoryConnection mine = victim == Side.SERVER ? pair.server() : pair.client();
        MemoryConnection attacker = victim == Side.SERVER ? pair.client() : pair.server();
        ExecutorService threads = Executors.newFixedThreadPool(1, Thread.ofPlatform().daemon().factory());
        try (pair) {
            threads.submit(() -> drain(attacker)); // whatever the victim answers, e.g. an HTTP error
            attacker.writeRaw(garbage(random));
            ByteBuffer inbound = ByteBuffer.allocate(receiveBuffer(codec, max));
            expectRejection(max, "garbage in place of the preamble, to the " + victim, () -> {
                Framer framer = codec.open(mine, victim, max, inbound);
                receive(framer, mine, inbound, Integer.MAX_VALUE, 65536, random, m -> { });
            });
        } finally {
            threads.shutdownNow();
        }
    }

    private static void rejectsGarbageAfterThePreamble(Codec codec, int max, Side victim, Random random)
            throws IOException {
        Opened opened = open(codec, max, max, List.of());
        try (MemoryConnection.Pair pair = opened.connections()) {
            boolean server = victim == Side.SERVER;
            (server ? pair.client() : pair.server()).writeRaw(garbage(random));
            expectRejection(max, "garbage in place of frames, to the " + victim, () -> receive(
                    server ? opened.server() : opened.client(), server ? pair.server() : pair.client(),
                    server ? opened.serverInbound() : opened.clientInbound(), Integer.MAX_VALUE, 65536, random,
                    m -> { }));
        }
    }

    /** What the victim runs must end in a ProtocolException, in time, allocating a bounded amount. */
    private static void expectRejection(int max, String what, IoTask victim) {
        ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory());
        try {
            Future<Long> allocated = thread.submit(() -> {
                long before = allocatedBytes();
                assertThrows(ProtocolException.class, victim::run, what + " must be a ProtocolException");
                return allocatedBytes() - before;
            });
            long bytes = await(allocated, what);
            long bound = (1L << 20) + 4L * max;
            assertTrue(bytes <= bound, what + ": allocated " + bytes + " bytes, more than " + bound);
        } finally {
            thread.shutdownNow();
        }
    }

    /** Sends {@code messages} from one end in gathered batches while the other end decodes them. */
    private static void transfer(Codec codec, Framer sender, MemoryConnection from, Framer receiver,
            MemoryConnection to, ByteBuffer inbound, List<byte[]> messages, int largestChunk, Random random,
            String what) throws IOException {
        long writerSeed = random.nextLong();
        ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().factory());
        try {
            Future<?> writer = thread.submit(() -> {
                Random batches = new Random(writerSeed);
                int i = 0;
                while (i < messages.size()) {
                    int n = Math.min(1 + batches.nextInt(8), messages.size() - i);
                    ByteBuffer[] batch = new ByteBuffer[n];
                    for (int j = 0; j < n; j++) {
                        batch[j] = encodeDirect(codec, sender, messages.get(i + j));
                    }
                    from.write(batch, 0, n);
                    i += n;
                }
                return null;
            });
            List<byte[]> received = new ArrayList<>();
            receive(receiver, to, inbound, messages.size(), largestChunk, random, m -> received.add(copy(m)));
            await(writer, what + ": the writer");
            assertMessages(messages, received, what);
            assertEquals(0, inbound.position(), what + ": bytes left over after the last frame");
        } finally {
            thread.shutdownNow();
        }
    }

    /**
     * Reads and decodes as the engine does (read, flip, decode, compact) until {@code count} messages arrived, each
     * read taking at most a random {@code 1..largestChunk} bytes; a full buffer without a complete frame is the
     * engine's protocol error too.
     */
    private static void receive(Framer framer, MemoryConnection connection, ByteBuffer inbound, int count,
            int largestChunk, Random random, MessageSink sink) throws IOException {
        int[] received = {0};
        MessageSink counting = m -> {
            int position = m.position();
            int limit = m.limit();
            sink.message(m);
            assertEquals(position, m.position(), "the sink's view was changed");
            assertEquals(limit, m.limit(), "the sink's view was changed");
            received[0]++;
        };
        inbound.flip();
        framer.decode(inbound, counting);
        inbound.compact();
        while (received[0] < count) {
            int chunk = largestChunk == Integer.MAX_VALUE ? inbound.remaining() : 1 + random.nextInt(largestChunk);
            int capacityLimit = inbound.limit();
            inbound.limit(Math.min(capacityLimit, inbound.position() + chunk));
            int n;
            try {
                n = connection.read(inbound);
            } finally {
                inbound.limit(capacityLimit);
            }
            if (n < 0) {
                throw new IOException("end of stream after " + received[0] + " of " + count + " messages");
            }
            inbound.flip();
            framer.decode(inbound, counting);
            inbound.compact();
            if (!inbound.hasRemaining()) {
                throw new ProtocolException("frame larger than the receive buffer");
            }
        }
    }

    /** A framer must refuse what does not decode with the protocol exception, without reading past the buffer. */
    public static void rejects(Framer receiver, byte[] garbage) {
        ByteBuffer inbound = ByteBuffer.wrap(garbage);
        assertThrows(ProtocolException.class, () -> receiver.decode(inbound, m -> { }),
                "garbage must be a ProtocolException");
        assertTrue(inbound.position() <= garbage.length);
    }

    /** Encodes one message the engine's way: in place, in a direct buffer with the codec's headroom and tailroom. */
    public static byte[] encode(Codec codec, Framer framer, byte[] message) {
        ByteBuffer buffer = encodeDirect(codec, framer, message);
        byte[] wire = new byte[buffer.remaining()];
        buffer.get(wire);
        return wire;
    }

    /** The receive buffer the engine gives a session: two of the largest frames, at least 64 KiB. */
    public static int receiveBuffer(Codec codec, int maxMessageLength) {
        return Math.max(64 * 1024, 2 * (codec.headroom() + maxMessageLength + codec.tailroom()));
    }

    private static ByteBuffer encodeDirect(Codec codec, Framer framer, byte[] message) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(codec.headroom() + message.length + codec.tailroom());
        buffer.position(codec.headroom()).put(message).flip().position(codec.headroom());
        framer.encode(buffer);
        return buffer;
    }

    /** Random messages with the lengths where framings change (7-, 16- and 64-bit lengths) among them. */
    private static List<byte[]> messages(Random random, int count, int max) {
        List<byte[]> messages = new ArrayList<>();
        for (int length : new int[] {1, 2, 125, 126, 127, 65535, 65536, max}) {
            if (length <= max && messages.size() < count) {
                messages.add(new byte[length]);
            }
        }
        while (messages.size() < count) {
            messages.add(new byte[1 + random.nextInt(max)]);
        }
        java.util.Collections.shuffle(messages, random);
        messages.forEach(random::nextBytes);
        return messages;
    }

    private static byte[] garbage(Random random) {
        byte[] garbage = new byte[GARBAGE];
        random.nextBytes(garbage);
        return garbage;
    }

    private static void assertMessages(List<byte[]> sent, List<byte[]> received, String what) {
        assertEquals(sent.size(), received.size(), what + ": messages");
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), received.get(i), what + ": message " + i);
        }
    }

    private static byte[] copy(ByteBuffer message) {
        byte[] copy = new byte[message.remaining()];
        message.get(message.position(), copy);
        return copy;
    }

    private static void drain(MemoryConnection connection) {
        ByteBuffer sink = ByteBuffer.allocate(8192);
        try {
            while (connection.read(sink.clear()) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static long allocatedBytes() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                ? bean.getCurrentThreadAllocatedBytes() : 0;
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError(what + " did not finish in " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException | ExecutionException e) {
            throw failure(what, e);
        }
    }

    private static RuntimeException failure(String what, Exception e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (cause instanceof Error error) {
            throw error;
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new AssertionError(what + " failed: " + cause, cause);
    }

    @FunctionalInterface
    private interface IoTask {
        void run() throws IOException;
    }
}
