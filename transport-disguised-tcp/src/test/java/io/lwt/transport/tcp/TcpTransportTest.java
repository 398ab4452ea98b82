package io.lwt.transport.tcp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sun.nio.ch.SelChImpl;

class TcpTransportTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final Transport tcp = new TcpTransportProvider().create(Config.empty("transport.tcp", Config.Location.of("test")));
    private final InetSocketAddress anyLoopbackPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void gatheringWriteArrivesIntactAndInOrder() throws Exception {
        try (Listener listener = tcp.listen(anyLoopbackPort)) {
            CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (Connection client = tcp.dial(listener.localAddress(), TIMEOUT);
                    Connection server = accepted.get(5, TimeUnit.SECONDS)) {
                byte[] expected = new byte[3 * 100_000];
                ByteBuffer[] parts = new ByteBuffer[3];
                for (int i = 0; i < 3; i++) {
                    byte[] part = new byte[100_000];
                    java.util.Arrays.fill(part, (byte) (i + 1));
                    System.arraycopy(part, 0, expected, i * part.length, part.length);
                    parts[i] = ByteBuffer.allocateDirect(part.length).put(part).flip();
                }
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try {
                        client.write(parts, 0, 3);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                ByteBuffer received = ByteBuffer.allocate(expected.length);
                while (received.hasRemaining() && server.read(received) >= 0) {
                    // keep reading
                }
                sent.get(5, TimeUnit.SECONDS);
                assertArrayEquals(expected, received.array());
                for (ByteBuffer part : parts) {
                    assertEquals(part.limit(), part.position(), "written buffers are consumed");
                }
                assertEquals(client.localAddress(), server.remoteAddress());
            }
        }
    }

    @Test
    void closeUnblocksABlockedRead() throws Exception {
        try (Listener listener = tcp.listen(anyLoopbackPort);
                Connection client = tcp.dial(listener.localAddress(), TIMEOUT);
                Connection server = listener.accept()) {
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    server.read(ByteBuffer.allocate(16));
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.sleep(100); // let the reader block: there is no signal for "blocked in read"
            server.close();
            assertTrue(reader.get(5, TimeUnit.SECONDS) instanceof IOException);
            assertEquals(-1, client.read(ByteBuffer.allocate(16)), "peer sees end of stream");
        }
    }

    /**
     * Writing without blocking to a peer that reads nothing takes what the socket buffers hold, then 0, and returns
     * at once every time; a blocking write then waits until close from another thread ends it. What was written
     * arrives intact once the peer reads.
     */
    @Test
    void aWriteWithoutBlockingReturnsWhenTheSocketIsFullAndCloseEndsABlockedWrite() throws Exception {
        try (Listener listener = tcp.listen(anyLoopbackPort);
                Connection client = tcp.dial(listener.localAddress(), TIMEOUT);
                Connection server = listener.accept()) {
            long written = 0;
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 10_000; i++) { // far more than any socket buffers hold: it stops at a full socket
                java.util.Arrays.fill(chunk, (byte) i);
                ByteBuffer b = ByteBuffer.wrap(chunk);
                long n = server.writeWithoutBlocking(new ByteBuffer[] {b}, 0, 1);
                written += n;
                if (b.hasRemaining()) {
                    break;
                }
            }
            assertTrue(written > 0 && written < 10_000L * chunk.length, "stopped at a full socket: " + written);
            ByteBuffer received = ByteBuffer.allocate(chunk.length);
            for (long left = written, at = 0; left > 0; ) {
                received.clear().limit((int) Math.min(received.capacity(), left));
                int n = client.read(received);
                for (int i = 0; i < n; i++, at++) {
                    assertEquals((byte) (at / chunk.length), received.get(i), "byte " + at);
                }
                left -= n;
            }

            CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    server.write(new ByteBuffer[] {ByteBuffer.allocate(64 << 20)}, 0, 1); // more than the peer takes
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.sleep(100); // let the writer block: there is no signal for "blocked in write"
            server.close();
            assertTrue(blocked.get(5, TimeUnit.SECONDS) instanceof IOException);
        }
    }

    @Test
    void dialToAClosedPortFailsClearly() throws Exception {
        InetSocketAddress closed;
        try (Listener listener = tcp.listen(anyLoopbackPort)) {
            closed = listener.localAddress();
        }
        assertThrows(ConnectException.class, () -> tcp.dial(closed, TIMEOUT));
    }

    @Test
    void unknownKeyGetsASuggestionAndBuffersAreRangeChecked() {
        Config typo = Config.builder("transport.tcp", Config.Location.of("f")).put("send-bufer", "65536").build();
        assertEquals("f: transport.tcp.send-bufer: unknown key (did you mean 'send-buffer'?)",
                assertThrows(ConfigException.class, () -> new TcpTransportProvider().create(typo)).getMessage());
        Config tiny = Config.builder("transport.tcp", Config.Location.of("f")).put("receive-buffer", "1").build();
        assertThrows(ConfigException.class, () -> new TcpTransportProvider().create(tiny));
    }

    @Test
    void bothEndsHoldAtMostTheUnsentLimitAndZeroLeavesTheSystemsOwn() throws Throwable {
        assertTrue(UnsentLimit.AVAILABLE, "the tests run with the runtime image's export of sun.nio.ch");
        try (Listener listener = tcp.listen(anyLoopbackPort);
                Connection client = tcp.dial(listener.localAddress(), TIMEOUT);
                Connection server = listener.accept()) {
            assertEquals(UnsentLimit.DEFAULT, notSentLowat(client));
            assertEquals(UnsentLimit.DEFAULT, notSentLowat(server));
        }
        Config system = Config.builder("transport.tcp", Config.Location.of("f")).put("unsent-limit", "0").build();
        Transport unlimited = new TcpTransportProvider().create(system);
        try (Listener listener = unlimited.listen(anyLoopbackPort);
                Connection client = unlimited.dial(listener.localAddress(), TIMEOUT);
                Connection server = listener.accept()) {
            assertEquals(0, notSentLowat(client), "unset, so net.ipv4.tcp_notsent_lowat applies");
            assertEquals(0, notSentLowat(server));
        }
    }

    /** getsockopt(TCP_NOTSENT_LOWAT) of a connection's socket. */
    private static int notSentLowat(Connection connection) throws Throwable {
        Field field = TcpConnection.class.getDeclaredField("channel");
        field.setAccessible(true);
        int fd = ((SelChImpl) field.get(connection)).getFDVal();
        Linker linker = Linker.nativeLinker();
        MethodHandle getsockopt = linker.downcallHandle(linker.defaultLookup().find("getsockopt").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocateFrom(JAVA_INT, 4);
            assertEquals(0, (int) getsockopt.invokeExact(fd, 6, 25, value, length)); // IPPROTO_TCP, TCP_NOTSENT_LOWAT
            return value.get(JAVA_INT, 0);
        }
    }
}
