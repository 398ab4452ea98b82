package io.lwt.transport.udp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * The engine's messages on their way out of one connection: each becomes a datagram of the {@link DatagramHeader}
 * and the message, the header written in the headroom before the message, so nothing is copied (a heap buffer, which
 * native code cannot read, is copied once). Runs of datagrams of one size go as one segmented send (GSO) where the
 * socket allows it, and all of a batch goes in one {@code sendmmsg}. One thread at a time: the connection's writer.
 */
final class SendBatch {

    /** Datagrams per system call: the engine's batch. */
    static final int DATAGRAMS = 64;
    /** The kernel's UDP_MAX_SEGMENTS before 6.x raised it, so older kernels take every run. */
    private static final int MAX_SEGMENTS = 64;
    /** A segmented send is one UDP datagram to the kernel: under 65,535 bytes with the IP and UDP headers. */
    private static final int MAX_SEGMENTED_BYTES = 65_000;
    /** UDP_SEGMENT's control message: its data is a 16-bit segment size, CMSG_LEN(2) = 18, CMSG_SPACE(2) = 24. */
    private static final long CMSG_LEN = MessageHeaders.CMSG_HEADER + Short.BYTES;
    private static final long CMSG_SPACE = 24;
    private static final int BOUNCE = 70_000;
    private static final System.Logger LOG = System.getLogger(SendBatch.class.getName());

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment messages = arena.allocate(MessageHeaders.MMSGHDR * DATAGRAMS, 8);
    private final MemorySegment vectors = arena.allocate(MessageHeaders.IOVEC * DATAGRAMS, 8);
    private final MemorySegment controls = arena.allocate(CMSG_SPACE * DATAGRAMS, 8);
    private final MemorySegment destination = arena.allocate(Endpoint.LENGTH, 8);
    private final MemorySegment errno = Native.errnoState(arena);
    private MemorySegment bounce; // made at the first heap buffer
    private final int[] runStart = new int[DATAGRAMS];
    private final int[] runLength = new int[DATAGRAMS];
    private final int[] runSegment = new int[DATAGRAMS];
    private final int[] runBytes = new int[DATAGRAMS];
    private final boolean[] runEnded = new boolean[DATAGRAMS];
    private int runs;
    private int nameLength; // of the destination's sockaddr, for the socket's family
    private final DropCount refused = new DropCount();

    /**
     * Sends every remaining byte of {@code srcs[offset..offset+length)}, a datagram each, to {@code to}, waiting while
     * the socket's buffer is full. A datagram the network refuses (no route, a firewall's reject) is dropped as the
     * network would drop it, with a line at most every ten seconds; only a closed socket throws.
     *
     * @param waitWhenFull false to stop at a full socket buffer instead
     * @return the bytes of the messages sent (without headers), all of them unless {@code waitWhenFull} is false
     */
    long send(UdpSocket socket, ByteBuffer[] srcs, int offset, int length, int header, Endpoint to,
            UdpSocket.Readiness writable, boolean waitWhenFull) throws IOException {
        int end = offset + length;
        long bytes = 0;
        for (int first = offset; first < end; ) {
            int next = prepare(socket, srcs, first, end, header, to);
            int sent = transmit(socket, waitWhenFull ? writable : null);
            int done = sent == runs ? next : first + runStart[sent];
            for (int i = first; i < done; i++) {
                bytes += srcs[i].remaining();
                srcs[i].position(srcs[i].limit());
            }
            if (done < next) {
                return bytes; // the socket is full and the caller does not wait
            }
            first = next;
        }
        return bytes;
    }

    /** Lays out datagrams of {@code srcs[first..end)} as runs; returns the index after the last one taken. */
    private int prepare(UdpSocket socket, ByteBuffer[] srcs, int first, int end, int header, Endpoint to) {
        boolean segmentation = socket.segmentation();
        MemorySegment.copy(to.bytes(), 0, destination, 0, Endpoint.LENGTH);
        runs = 0;
        long bounced = 0;
        int n = 0;
        int i = first;
        for (; i < end && n < DATAGRAMS; i++, n++) {
            ByteBuffer message = srcs[i];
            int size = DatagramHeader.LENGTH + message.remaining();
            long address;
            if (message.isDirect() && message.position() >= DatagramHeader.LENGTH) {
                DatagramHeader.write(message, header);
                address = MemorySegment.ofBuffer(message).address() - DatagramHeader.LENGTH;
            } else {
                if (bounce == null) {
                    bounce = arena.allocate(BOUNCE, 8);
                }
                if (bounced + size > BOUNCE) {
                    break; // goes first in the next call
                }
                MemorySegment at = bounce.asSlice(bounced, size);
                at.set(DatagramHeader.WORD, 0, header);
                MemorySegment.copy(MemorySegment.ofBuffer(message), 0, at, DatagramHeader.LENGTH, message.remaining());
                address = at.address();
                bounced += (size + 7) & ~7;
            }
            vectors.set(JAVA_LONG, n * MessageHeaders.IOVEC, address);
            vectors.set(JAVA_LONG, n * MessageHeaders.IOVEC + 8, size);
            if (!segmentation || runs == 0 || !joins(runs - 1, size)) {
                runStart[runs] = n;
                runLength[runs] = 0;
                runSegment[runs] = size;
                runBytes[runs] = 0;
                runEnded[runs] = false;
                runs++;
            }
            int r = runs - 1;
            runLength[r]++;
            runBytes[r] += size;
            runEnded[r] = size < runSegment[r]; // a shorter datagram may end a run, never sit inside one
        }
        nameLength = socket.family() == Native.AF_INET ? 16 : Endpoint.LENGTH;
        for (int r = 0; r < runs; r++) {
            writeHeader(r);
        }
        return i;
    }

    /** The {@code struct mmsghdr} of run {@code r}: the destination, its datagrams, and their segment size if several. */
    private void writeHeader(int r) {
        long m = r * MessageHeaders.MMSGHDR;
        messages.set(ADDRESS, m + MessageHeaders.NAME, destination);
        messages.set(JAVA_INT, m + MessageHeaders.NAME_LENGTH, nameLength);
        messages.set(JAVA_LONG, m + MessageHeaders.IOV, vectors.address() + runStart[r] * MessageHeaders.IOVEC);
        messages.set(JAVA_LONG, m + MessageHeaders.IOV_LENGTH, runLength[r]);
        if (runLength[r] > 1) {
            long c = r * CMSG_SPACE;
            controls.set(JAVA_LONG, c, CMSG_LEN);
            controls.set(JAVA_INT, c + 8, Native.SOL_UDP);
            controls.set(JAVA_INT, c + 12, Native.UDP_SEGMENT);
            controls.set(JAVA_SHORT, c + MessageHeaders.CMSG_HEADER, (short) runSegment[r]);
            messages.set(JAVA_LONG, m + MessageHeaders.CONTROL, controls.address() + c);
            messages.set(JAVA_LONG, m + MessageHeaders.CONTROL_LENGTH, CMSG_SPACE);
        } else {
            messages.set(JAVA_LONG, m + MessageHeaders.CONTROL, 0);
            messages.set(JAVA_LONG, m + MessageHeaders.CONTROL_LENGTH, 0);
        }
        messages.set(JAVA_INT, m + MessageHeaders.FLAGS, 0);
    }

    private boolean joins(int run, int size) {
        return !runEnded[run] && size <= runSegment[run] && runLength[run] < MAX_SEGMENTS
                && runBytes[run] + size <= MAX_SEGMENTED_BYTES;
    }

    /**
     * Sends the runs; returns how many went, all of them unless the socket was full and {@code writable} is null.
     */
    private int transmit(UdpSocket socket, UdpSocket.Readiness writable) throws IOException {
        int sent = 0;
        while (sent < runs) {
            int result = socket.send(errno, messages.asSlice(sent * MessageHeaders.MMSGHDR), runs - sent,
                    writable == null ? Native.MSG_DONTWAIT : 0);
            if (result > 0) {
                sent += result;
            } else if (result == -Native.EAGAIN) {
                if (writable == null) {
                    return sent;
                }
                writable.await();
            } else if (result == -Native.EBADF) {
                throw new ClosedChannelException();
            } else if (result == -Native.EIO && runLength[sent] > 1) {
                socket.refuseSegmentation(Native.EIO);
                unsegment(sent);
            } else if (result != -Native.EINTR) {
                dropped(socket, -result, runLength[sent]);
                sent++;
            }
        }
        return sent;
    }

    /** Makes every datagram of the runs from {@code from} on a run of its own. */
    private void unsegment(int from) {
        int first = runStart[from];
        int last = runStart[runs - 1] + runLength[runs - 1];
        runs = from;
        for (int n = first; n < last; n++, runs++) {
            runStart[runs] = n;
            runLength[runs] = 1;
            writeHeader(runs);
        }
    }

    private void dropped(UdpSocket socket, int error, int datagrams) {
        long told = refused.add(datagrams);
        if (told > 0) {
            LOG.log(Level.WARNING, "{0}: {1} datagram(s) dropped: {2}", socket, told, Native.describe(error));
        }
    }
}
