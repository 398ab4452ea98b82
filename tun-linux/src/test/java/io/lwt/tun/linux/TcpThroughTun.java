package io.lwt.tun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPrefix;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunOptions;
import io.lwt.api.tun.VirtioNetHeader;
import io.lwt.testsupport.Netns;
import io.lwt.testsupport.TestPackets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A TCP connection from a socket in a test's namespace to an address the test plays itself through a TUN device:
 * the test reads the socket's segments from the device and answers them with hand-made ones (SYN-ACK, ACKs). For
 * looking at what the kernel hands a TUN device, with and without offloads.
 */
final class TcpThroughTun implements AutoCloseable {

    static final int HEADROOM = 64;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int WINDOW = 65535;
    private static final long ISS = 0x10000000L;

    /** A packet as the device handed it: its virtio header ({@code null} without offloads) and its bytes. */
    record Packet(VirtioNetHeader header, byte[] bytes) {
        boolean ipv4() {
            return (bytes[0] & 0xf0) == 0x40;
        }

        int ipHeaderLength() {
            return ipv4() ? (bytes[0] & 0x0f) * 4 : 40;
        }

        /** The length the IP header announces (a super-segment's too). */
        int ipLength() {
            return ipv4() ? u16(2) : 40 + u16(4);
        }

        boolean isTcp() {
            return bytes.length >= 40 && (ipv4() ? bytes[9] == 6 : (bytes[0] & 0xf0) == 0x60 && bytes[6] == 6);
        }

        int tcp() {
            return ipHeaderLength();
        }

        int sourcePort() {
            return u16(tcp());
        }

        int destinationPort() {
            return u16(tcp() + 2);
        }

        long seq() {
            return Integer.toUnsignedLong(ByteBuffer.wrap(bytes).getInt(tcp() + 4));
        }

        int flags() {
            return bytes[tcp() + 13] & 0x3f;
        }

        int payloadLength() {
            return ipLength() - tcp() - ((bytes[tcp() + 12] & 0xf0) >> 2);
        }

        private int u16(int index) {
            return Short.toUnsignedInt(ByteBuffer.wrap(bytes).getShort(index));
        }
    }

    private final TunDevice device;
    private final byte[] socketAddress;
    private final byte[] testAddress;
    private final int testPort;
    private final SocketChannel channel;
    private final ByteBuffer[] batch;
    private int socketPort;
    private long expected;
    private Packet syn;

    private TcpThroughTun(TunDevice device, byte[] socketAddress, byte[] testAddress, int testPort, SocketChannel channel) {
        this.device = device;
        this.socketAddress = socketAddress;
        this.testAddress = testAddress;
        this.testPort = testPort;
        this.channel = channel;
        this.batch = new ByteBuffer[] {ByteBuffer.allocateDirect(HEADROOM + TunOptions.MAX_MTU)};
    }

    /**
     * Connects a socket made inside {@code ns} to {@code testAddress:testPort}, through the device, and completes the
     * handshake with a SYN-ACK that announces {@code mss}. {@link #syn()} is the socket's SYN as the device handed it.
     */
    static TcpThroughTun connect(Netns ns, TunDevice device, String socketAddress, String testAddress, int testPort,
            int mss) throws Exception {
        SocketChannel channel = InNamespace.call(ns, () -> {
            SocketChannel c = SocketChannel.open(); // the socket belongs to the namespace of the thread that makes it
            c.configureBlocking(false);
            c.connect(new InetSocketAddress(IpPrefix.literal(testAddress), testPort));
            return c;
        });
        TcpThroughTun tcp = new TcpThroughTun(device, IpPrefix.literal(socketAddress).getAddress(),
                IpPrefix.literal(testAddress).getAddress(), testPort, channel);
        try {
            tcp.handshake(mss);
        } catch (Exception | Error e) {
            tcp.close();
            throw e;
        }
        return tcp;
    }

    private void handshake(int mss) throws Exception {
        syn = next(p -> (p.flags() & SYN) != 0);
        socketPort = syn.sourcePort();
        expected = syn.seq() + 1;
        byte[] option = {2, 4, (byte) (mss >> 8), (byte) mss};
        send(packet(ISS, SYN | ACK, option));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!channel.finishConnect()) {
            assertTrue(System.nanoTime() < deadline, "the socket took the SYN-ACK");
            Thread.sleep(5);
        }
        channel.configureBlocking(true);
    }

    Packet syn() {
        return syn;
    }

    /** Has the socket send {@code bytes} at once (on a thread of its own: it blocks until they are acknowledged). */
    void socketSends(int bytes) {
        Thread.ofVirtual().start(() -> {
            try {
                ByteBuffer data = ByteBuffer.allocate(bytes);
                while (data.hasRemaining()) {
                    channel.write(data);
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
    }

    /**
     * Reads the socket's data segments, acknowledging each, until {@code until} accepts one or {@code bytes} have
     * arrived in order; returns every data segment seen.
     */
    List<Packet> receive(int bytes, Predicate<Packet> until) throws IOException {
        List<Packet> seen = new ArrayList<>();
        long end = syn.seq() + 1 + bytes;
        while (expected < end) {
            Packet p = next(q -> q.payloadLength() > 0);
            seen.add(p);
            if (p.seq() == expected) {
                expected += p.payloadLength();
            }
            send(packet(ISS + 1, ACK, new byte[0]));
            if (until.test(p)) {
                break;
            }
        }
        return seen;
    }

    /** The next TCP packet of this connection from the socket that {@code wanted} accepts; others are skipped. */
    private Packet next(Predicate<Packet> wanted) throws IOException {
        while (true) {
            ByteBuffer buffer = batch[0];
            buffer.clear().position(HEADROOM);
            try {
                assertEquals(1, device.read(batch));
            } catch (ClosedChannelException e) {
                throw new AssertionError("no such packet before the device was closed (the test's time ran out?)", e);
            }
            assertEquals(HEADROOM, buffer.position(), "the packet starts at the caller's position");
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(buffer.position(), bytes);
            VirtioNetHeader header = device.offloads() ? VirtioNetHeader.read(buffer, HEADROOM - VirtioNetHeader.LENGTH)
                    : null;
            Packet p = new Packet(header, bytes);
            if (p.isTcp() && p.destinationPort() == testPort && (socketPort == 0 || p.sourcePort() == socketPort)
                    && wanted.test(p)) {
                return p;
            }
        }
    }

    /** Writes a packet to the device, after a {@link VirtioNetHeader#NONE} header when the device takes headers. */
    private void send(byte[] packet) throws IOException {
        ByteBuffer out = ByteBuffer.allocateDirect(HEADROOM + packet.length);
        out.position(HEADROOM).put(packet).position(HEADROOM);
        if (device.offloads()) {
            VirtioNetHeader.NONE.write(out, HEADROOM - VirtioNetHeader.LENGTH);
        }
        device.write(new ByteBuffer[] {out}, 1);
    }

    /** A segment from the test's address to the socket, with valid IP and TCP checksums. */
    private byte[] packet(long seq, int flags, byte[] options) {
        int tcpLength = 20 + options.length;
        ByteBuffer tcp = ByteBuffer.allocate(tcpLength);
        tcp.putShort((short) testPort).putShort((short) socketPort).putInt((int) seq).putInt((int) expected)
                .put((byte) ((tcpLength / 4) << 4)).put((byte) flags).putShort((short) WINDOW).putShort((short) 0)
                .putShort((short) 0).put(options);
        boolean v4 = testAddress.length == 4;
        ByteBuffer pseudo = ByteBuffer.allocate(2 * testAddress.length + 8 + tcpLength)
                .put(testAddress).put(socketAddress);
        if (v4) {
            pseudo.put((byte) 0).put((byte) 6).putShort((short) tcpLength);
        } else {
            pseudo.putInt(tcpLength).putInt(6);
        }
        pseudo.put(tcp.array());
        tcp.putShort(16, TestPackets.checksum(pseudo.array(), 0, pseudo.position()));
        ByteBuffer ip;
        if (v4) {
            ip = ByteBuffer.allocate(20 + tcpLength);
            ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcpLength)).putInt(0x4000 /* DF */)
                    .put((byte) 64).put((byte) 6).putShort((short) 0).put(testAddress).put(socketAddress);
            ip.putShort(10, TestPackets.checksum(ip.array(), 0, 20));
        } else {
            ip = ByteBuffer.allocate(40 + tcpLength);
            ip.putInt(0x6000_0000).putShort((short) tcpLength).put((byte) 6).put((byte) 64).put(testAddress)
                    .put(socketAddress);
        }
        return ip.put(tcp.array()).array();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
