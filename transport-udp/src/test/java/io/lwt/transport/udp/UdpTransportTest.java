package io.lwt.transport.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.transport.Connection;
import io.lwt.api.transport.Listener;
import io.lwt.api.transport.Transport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The udp transport over real sockets on loopback: wire format, batches, offloads, roaming, closing. */
class UdpTransportTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int HEADROOM = Connection.DATAGRAM_HEADROOM;
    private final Transport udp = transport("");
    private final InetSocketAddress anyLoopbackPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private static Transport transport(String offload) {
        Config.Builder section = Config.builder("transport.udp", Config.Location.of("test"));
        if (!offload.isEmpty()) {
            section.put("offload", offload);
        }
        return new UdpTransportProvider().create(section.build());
    }

    @Test
    void messagesGoBothWaysWholeAndInOrder() throws Exception {
        try (Listener listener = udp.listen(anyLoopbackPort);
                Connection client = udp.dial(listener.localAddress(), TIMEOUT)) {
            assertTrue(client.carriesDatagrams());
            client.write(new ByteBuffer[] {message(1, 100), message(2, 1), message(3, 1400)}, 0, 3);
            try (Connection hub = accept(listener)) {
                assertArrayEquals(bytes(1, 100), read(hub));
                assertArrayEquals(bytes(2, 1), read(hub));
                assertArrayEquals(bytes(3, 1400), read(hub));
                assertEquals(client.localAddress().getPort(), hub.remoteAddress().getPort());
                hub.write(new ByteBuffer[] {message(4, 500), message(5, 20)}, 0, 2);
                assertArrayEquals(bytes(4, 500), read(client));
                assertArrayEquals(bytes(5, 20), read(client));
            }
        }
    }

    /**
     * A run of equal datagrams goes as one segmented send; a plain socket, which asks for no receive offload, gets
     * them one by one, each with the header: the client's index and OPENING, since it has not heard from the hub.
     */
    @Test
    void aRunOfEqualDatagramsLeavesAsSeparateDatagramsWithTheHeader() throws Exception {
        try (DatagramChannel plainHub = DatagramChannel.open().bind(anyLoopbackPort);
                Connection client = udp.dial((InetSocketAddress) plainHub.getLocalAddress(), TIMEOUT)) {
            ByteBuffer[] run = new ByteBuffer[41];
            for (int i = 0; i < run.length; i++) {
                run[i] = message(i, i == run.length - 1 ? 300 : 1400);
            }
            client.write(run, 0, run.length);
            int word = 0;
            for (int i = 0; i < run.length; i++) {
                ByteBuffer datagram = ByteBuffer.allocate(2000);
                plainHub.receive(datagram);
                datagram.flip();
                assertEquals(DatagramHeader.LENGTH + (i == run.length - 1 ? 300 : 1400), datagram.remaining(), "datagram " + i);
                int header = datagram.getInt();
                if (i == 0) {
                    word = header;
                    assertTrue((word & DatagramHeader.OPENING) != 0, "opening");
                    assertTrue((word & DatagramHeader.INDEX) != 0, "an index");
                }
                assertEquals(word, header, "the same header on every datagram");
                byte[] body = new byte[datagram.remaining()];
                datagram.get(body);
                assertArrayEquals(bytes(i, body.length), body, "datagram " + i);
            }
        }
    }

    /**
     * The other way: the hub's socket asks for receive offload and cuts what comes in one buffer. The run goes once the
     * hub answered, as a session's traffic does after its handshake (a stranger's ring holds only a few datagrams).
     */
    @Test
    void aRunOfEqualDatagramsArrivesWholeAtTheHubWithAndWithoutOffloads() throws Exception {
        for (String offload : new String[] {"true", "false"}) {
            Transport transport = transport(offload);
            try (Listener listener = transport.listen(anyLoopbackPort);
                    Connection client = transport.dial(listener.localAddress(), TIMEOUT)) {
                client.write(new ByteBuffer[] {message(100, 10)}, 0, 1);
                try (Connection hub = accept(listener)) {
                    read(hub);
                    hub.write(new ByteBuffer[] {message(101, 10)}, 0, 1);
                    read(client);
                    ByteBuffer[] run = new ByteBuffer[SendBatch.DATAGRAMS];
                    for (int i = 0; i < run.length; i++) {
                        run[i] = message(i, 1200);
                    }
                    client.write(run, 0, run.length);
                    for (int i = 0; i < run.length; i++) {
                        assertArrayEquals(bytes(i, 1200), read(hub), "datagram " + i + ", offload " + offload);
                    }
                }
            }
        }
    }

    @Test
    void heapBuffersAndBuffersWithoutHeadroomGoToo() throws Exception {
        try (Listener listener = udp.listen(anyLoopbackPort);
                Connection client = udp.dial(listener.localAddress(), TIMEOUT)) {
            client.write(new ByteBuffer[] {ByteBuffer.wrap(bytes(7, 64)), ByteBuffer.allocateDirect(10).put(bytes(8, 10)).flip()},
                    0, 2);
            try (Connection hub = accept(listener)) {
                assertArrayEquals(bytes(7, 64), read(hub));
                assertArrayEquals(bytes(8, 10), read(hub));
            }
        }
    }

    /**
     * A datagram under an index the hub does not know opens a connection only if OPENING is set: the first one here
     * is dropped, so the first connection accepted is the second one's.
     */
    @Test
    void onlyAnOpeningDatagramMakesAConnection() throws Exception {
        try (Listener listener = udp.listen(anyLoopbackPort); DatagramChannel stranger = DatagramChannel.open()) {
            stranger.send(datagram(0x1234, bytes(1, 20)), listener.localAddress());
            stranger.send(datagram(0x5678 | DatagramHeader.OPENING, bytes(2, 20)), listener.localAddress());
            try (Connection hub = accept(listener)) {
                assertEquals(0x5678, ((HubConnection) hub).index());
                assertArrayEquals(bytes(2, 20), read(hub));
            }
        }
    }

    /**
     * A datagram under a client's index from another address reaches the session, but the hub answers there only once
     * the session says it authenticated: roaming on proof, never on a source address alone.
     */
    @Test
    void theHubMovesToANewAddressOnlyWhenTheSessionSaysItIsTheClient() throws Exception {
        try (Listener listener = udp.listen(anyLoopbackPort);
                Connection client = udp.dial(listener.localAddress(), TIMEOUT);
                DatagramChannel moved = DatagramChannel.open().bind(anyLoopbackPort)) {
            client.write(new ByteBuffer[] {message(1, 10)}, 0, 1);
            try (Connection hub = accept(listener)) {
                read(hub);
                int index = ((HubConnection) hub).index();
                moved.send(datagram(index, bytes(2, 30)), listener.localAddress());
                assertArrayEquals(bytes(2, 30), read(hub), "the session reads it, to judge it");
                hub.write(new ByteBuffer[] {message(3, 40)}, 0, 1);
                assertArrayEquals(bytes(3, 40), read(client), "still sent to the client's first address");
                assertEquals(client.localAddress().getPort(), hub.remoteAddress().getPort());

                moved.send(datagram(index, bytes(4, 30)), listener.localAddress());
                read(hub);
                hub.authenticated();
                assertEquals(moved.getLocalAddress(), hub.remoteAddress());
                hub.write(new ByteBuffer[] {message(5, 50)}, 0, 1);
                ByteBuffer answer = ByteBuffer.allocate(100);
                moved.receive(answer);
                assertEquals(datagram(index, bytes(5, 50)), answer.flip(), "the hub's answer at the new address");
            }
        }
    }

    /**
     * A client takes the hub's datagrams under its index only: not another index's, not another sender's. Once it has
     * heard from the hub its datagrams no longer say OPENING.
     */
    @Test
    void aClientTakesOnlyItsHubsDatagramsOfItsConnection() throws Exception {
        try (DatagramChannel plainHub = DatagramChannel.open().bind(anyLoopbackPort);
                DatagramChannel stranger = DatagramChannel.open();
                Connection client = udp.dial((InetSocketAddress) plainHub.getLocalAddress(), TIMEOUT)) {
            client.write(new ByteBuffer[] {message(1, 10)}, 0, 1);
            ByteBuffer first = ByteBuffer.allocate(100);
            InetSocketAddress clientAddress = (InetSocketAddress) plainHub.receive(first);
            int index = first.flip().getInt() & DatagramHeader.INDEX;

            plainHub.send(datagram(index + 1, bytes(2, 10)), clientAddress);
            stranger.send(datagram(index, bytes(3, 10)), clientAddress);
            plainHub.send(datagram(index, bytes(4, 10)), clientAddress);
            assertArrayEquals(bytes(4, 10), read(client), "the first datagram that is the hub's and this connection's");

            client.write(new ByteBuffer[] {message(5, 10)}, 0, 1);
            ByteBuffer next = ByteBuffer.allocate(100);
            plainHub.receive(next);
            assertEquals(index, next.flip().getInt(), "no OPENING once the hub answered");
        }
    }

    @Test
    void aDatagramLongerThanTheReadersRoomIsDroppedNotCut() throws Exception {
        try (Listener listener = udp.listen(anyLoopbackPort);
                Connection client = udp.dial(listener.localAddress(), TIMEOUT)) {
            client.write(new ByteBuffer[] {message(1, 10), message(2, 100), message(3, 50)}, 0, 3);
            try (Connection hub = accept(listener)) {
                assertArrayEquals(bytes(1, 10), read(hub));
                ByteBuffer small = ByteBuffer.allocateDirect(60);
                assertEquals(50, hub.read(small));
                assertArrayEquals(bytes(3, 50), Arrays.copyOf(array(small.flip()), 50));
                hub.write(new ByteBuffer[] {message(4, 100), message(5, 50)}, 0, 2);
                small.clear();
                assertEquals(50, client.read(small));
                assertArrayEquals(bytes(5, 50), array(small.flip()));
            }
        }
    }

    /** Closing the listener refuses new connections, but the socket serves the open ones until they close. */
    @Test
    void aClosedListenerKeepsItsSocketForTheConnectionsItHas() throws Exception {
        Listener listener = udp.listen(anyLoopbackPort);
        InetSocketAddress address = listener.localAddress();
        try (Connection client = udp.dial(address, TIMEOUT)) {
            client.write(new ByteBuffer[] {message(1, 10)}, 0, 1);
            Connection hub = accept(listener);
            read(hub);
            listener.close();
            assertThrows(ClosedChannelException.class, listener::accept);
            hub.write(new ByteBuffer[] {message(2, 10)}, 0, 1);
            assertArrayEquals(bytes(2, 10), read(client), "the session still sends");
            hub.close();
            assertThrows(ClosedChannelException.class, () -> hub.write(new ByteBuffer[] {message(3, 10)}, 0, 1));
        }
        try (Listener again = udp.listen(address)) {
            assertEquals(address, again.localAddress(), "the port was freed with the last connection");
        }
    }

    @Test
    void closingWakesABlockedReaderOnEitherSide() throws Exception {
        try (Listener listener = udp.listen(anyLoopbackPort)) {
            Connection client = udp.dial(listener.localAddress(), TIMEOUT);
            client.write(new ByteBuffer[] {message(1, 10)}, 0, 1);
            Connection hub = accept(listener);
            read(hub);
            for (Connection c : new Connection[] {hub, client}) {
                CompletableFuture<Throwable> reading = CompletableFuture.supplyAsync(() -> {
                    try {
                        c.read(ByteBuffer.allocateDirect(100));
                        return null;
                    } catch (Throwable e) {
                        return e;
                    }
                });
                c.close();
                assertInstanceOf(ClosedChannelException.class, reading.get(5, TimeUnit.SECONDS), c.toString());
            }
        }
    }

    /** A hub on [::] takes IPv4 clients, and names them by their IPv4 address. */
    @Test
    void aDualStackHubTakesIpv4Clients() throws Exception {
        try (Listener listener = udp.listen(new InetSocketAddress(InetAddress.getByName("::"), 0))) {
            InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), listener.localAddress().getPort());
            try (Connection client = udp.dial(v4, TIMEOUT)) {
                client.write(new ByteBuffer[] {message(1, 10)}, 0, 1);
                try (Connection hub = accept(listener)) {
                    assertArrayEquals(bytes(1, 10), read(hub));
                    assertInstanceOf(Inet4Address.class, hub.remoteAddress().getAddress());
                    hub.write(new ByteBuffer[] {message(2, 10)}, 0, 1);
                    assertArrayEquals(bytes(2, 10), read(client));
                }
            }
        }
    }

    @Test
    void unknownSettingsAreRefused() {
        Config section = Config.builder("transport.udp", Config.Location.of("test")).put("offlaod", "true").build();
        ConfigException e = assertThrows(ConfigException.class, () -> new UdpTransportProvider().create(section));
        assertTrue(e.getMessage().contains("offload"), e.getMessage());
    }

    private static Connection accept(Listener listener) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static byte[] read(Connection connection) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                ByteBuffer dst = ByteBuffer.allocateDirect(70_000);
                int n = connection.read(dst);
                return Arrays.copyOf(array(dst.flip()), n);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A message as the engine hands it over: in a direct buffer, with headroom before it. */
    private static ByteBuffer message(int seed, int length) {
        return ByteBuffer.allocateDirect(HEADROOM + length).position(HEADROOM).put(bytes(seed, length))
                .position(HEADROOM);
    }

    private static ByteBuffer datagram(int word, byte[] body) {
        return ByteBuffer.allocate(DatagramHeader.LENGTH + body.length).putInt(word).put(body).flip();
    }

    private static byte[] bytes(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static byte[] array(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }
}
