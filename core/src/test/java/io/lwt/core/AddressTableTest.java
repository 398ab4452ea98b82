package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import io.lwt.api.transport.Connection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressTableTest {

    private final AddressTable table = new AddressTable();

    @Test
    void firstClaimantKeepsTheAddressUntilReleased() {
        Session alice = session(1);
        Session mallory = session(2);
        assertSame(alice, table.claim(0x0a000002, alice));
        assertSame(alice, table.claim(0x0a000002, mallory), "a second claimant must not take the address");
        table.release(alice);
        assertNull(table.ownerOf(0x0a000002));
        assertSame(mallory, table.claim(0x0a000002, mallory));
    }

    @Test
    void findsEveryOwnerAfterGrowingAndReleasing() {
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Session s = session(i);
            sessions.add(s);
            table.claim(0x0a000000 + i * 7, s);
        }
        for (int i = 0; i < 1000; i += 2) {
            table.release(sessions.get(i));
        }
        for (int i = 0; i < 1000; i++) {
            Session expected = i % 2 == 0 ? null : sessions.get(i);
            assertSame(expected, table.ownerOf(0x0a000000 + i * 7), "address #" + i);
        }
    }

    @Test
    void destinationOwnerReadsTheIpv4Destination() {
        Session bob = session(3);
        table.claim(0x0a000003, bob);
        ByteBuffer packet = ByteBuffer.wrap(io.lwt.testsupport.TestPackets.udp("10.0.0.2", "10.0.0.3", new byte[4]));
        assertSame(bob, table.destinationOwner(packet));
        assertNull(table.destinationOwner(ByteBuffer.wrap(new byte[] {0x45})), "too short to be IPv4");
    }

    static Session session(int port) {
        SessionContext context = new SessionContext(new NoCodec(), Side.SERVER, 1400, SessionSettings.DEFAULTS,
                Duration.ofSeconds(10),
                new PacketBuffers(1400, 0), new BufferPool(16, 1), null, new Counters(System.getLogger("test")), null);
        return new Session(new IdleConnection(port), context, ByteBuffer.allocate(16));
    }

    private record IdleConnection(int port) implements Connection {
        @Override
        public int read(ByteBuffer dst) {
            return -1;
        }

        @Override
        public void write(ByteBuffer[] srcs, int offset, int length) {}

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", port);
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 9000);
        }

        @Override
        public void close() {}
    }

    private static final class NoCodec implements Codec {
        @Override
        public int headroom() {
            return 0;
        }

        @Override
        public int tailroom() {
            return 0;
        }

        @Override
        public Framer open(Connection connection, Side side, int maxMessageLength, ByteBuffer inbound) {
            throw new UnsupportedOperationException();
        }
    }
}
