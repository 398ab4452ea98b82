package io.lwt.transport.udp;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;

/**
 * Datagrams taken from a socket with one {@code recvmmsg}, handed out one by one: a buffer that receive offload (GRO)
 * filled with several datagrams of one sender is cut at the segment size the kernel names. One thread at a time.
 */
final class ReceiveBatch {

    /** The largest UDP datagram, and so the largest buffer GRO fills. */
    static final int SLOT = 65_536;
    /** Room for the one control message asked for, UDP_GRO's int: CMSG_SPACE(4), and a spare one. */
    private static final long CONTROL_ROOM = 48;

    private final int slots;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment messages;
    private final MemorySegment names;
    private final MemorySegment controls;
    private final MemorySegment data;
    private final MemorySegment errno = Native.errnoState(arena);
    private int received;
    private int slot = -1;
    private int slotLength;
    private int segment;
    private int offset;
    private int length;

    ReceiveBatch(int slots) {
        this.slots = slots;
        this.messages = arena.allocate(MessageHeaders.MMSGHDR * slots, 8);
        MemorySegment vectors = arena.allocate(MessageHeaders.IOVEC * slots, 8);
        this.names = arena.allocate((long) Endpoint.LENGTH * slots, 8);
        this.controls = arena.allocate(CONTROL_ROOM * slots, 8);
        this.data = arena.allocate((long) SLOT * slots, 64);
        for (int i = 0; i < slots; i++) {
            vectors.set(JAVA_LONG, i * MessageHeaders.IOVEC, data.address() + (long) i * SLOT);
            vectors.set(JAVA_LONG, i * MessageHeaders.IOVEC + 8, SLOT);
            long m = i * MessageHeaders.MMSGHDR;
            messages.set(JAVA_LONG, m + MessageHeaders.NAME, names.address() + (long) i * Endpoint.LENGTH);
            messages.set(JAVA_LONG, m + MessageHeaders.IOV, vectors.address() + i * MessageHeaders.IOVEC);
            messages.set(JAVA_LONG, m + MessageHeaders.IOV_LENGTH, 1);
            messages.set(JAVA_LONG, m + MessageHeaders.CONTROL, controls.address() + i * CONTROL_ROOM);
        }
    }

    /**
     * Takes what the socket holds, up to the batch's slots, without waiting.
     *
     * @return whether any datagram came; false when none was waiting
     */
    boolean receive(UdpSocket socket) throws IOException {
        for (int i = 0; i < slots; i++) {
            long m = i * MessageHeaders.MMSGHDR;
            messages.set(JAVA_INT, m + MessageHeaders.NAME_LENGTH, Endpoint.LENGTH);
            messages.set(JAVA_LONG, m + MessageHeaders.CONTROL_LENGTH, CONTROL_ROOM);
            messages.set(JAVA_INT, m + MessageHeaders.FLAGS, 0);
        }
        int result = socket.receive(errno, messages, slots);
        if (result == -Native.EAGAIN || result == -Native.EINTR) {
            return false;
        }
        if (result == -Native.EBADF) {
            throw new ClosedChannelException();
        }
        if (result < 0) {
            throw new IOException("cannot receive on " + socket + ": " + Native.describe(-result));
        }
        received = result;
        slot = -1;
        slotLength = 0;
        offset = 0;
        length = 0;
        return result > 0;
    }

    /** Moves to the next datagram of the batch; false when none is left. */
    boolean next() {
        offset += length;
        while (offset >= slotLength) {
            if (++slot >= received) {
                length = 0;
                return false;
            }
            long m = slot * MessageHeaders.MMSGHDR;
            boolean truncated = (messages.get(JAVA_INT, m + MessageHeaders.FLAGS) & Native.MSG_TRUNC) != 0;
            slotLength = truncated ? 0 : messages.get(JAVA_INT, m + MessageHeaders.LENGTH);
            segment = segmentSize(m);
            offset = 0;
        }
        length = segment > 0 ? Math.min(segment, slotLength - offset) : slotLength;
        return true;
    }

    /** The segment size of a GRO buffer, from its control message; 0 for a single datagram. */
    private int segmentSize(long m) {
        long controlLength = messages.get(JAVA_LONG, m + MessageHeaders.CONTROL_LENGTH);
        long c = slot * CONTROL_ROOM;
        long header = MessageHeaders.CMSG_HEADER;
        for (long at = 0; at + header <= controlLength; ) {
            long cmsgLength = controls.get(JAVA_LONG, c + at); // cmsg_len, then cmsg_level and cmsg_type
            if (cmsgLength < header) {
                break;
            }
            if (controls.get(JAVA_INT, c + at + 8) == Native.SOL_UDP && controls.get(JAVA_INT, c + at + 12) == Native.UDP_GRO
                    && cmsgLength >= header + Integer.BYTES) {
                return controls.get(JAVA_INT, c + at + header);
            }
            at += (cmsgLength + 7) & ~7;
        }
        return 0;
    }

    /** The batch's memory; the current datagram is {@link #length} bytes at {@link #offset}, until the next receive. */
    MemorySegment data() {
        return data;
    }

    long offset() {
        return (long) slot * SLOT + offset;
    }

    int length() {
        return length;
    }

    /** The senders' sockaddrs; the current datagram's is {@link #sourceLength} bytes at {@link #sourceOffset}. */
    MemorySegment sources() {
        return names;
    }

    long sourceOffset() {
        return (long) slot * Endpoint.LENGTH;
    }

    int sourceLength() {
        return messages.get(JAVA_INT, slot * MessageHeaders.MMSGHDR + MessageHeaders.NAME_LENGTH);
    }
}
