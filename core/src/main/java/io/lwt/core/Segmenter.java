package io.lwt.core;

import io.lwt.api.tun.VirtioNetHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Does in user space what a device with offloads would have done: cuts a TCP super-segment read from a TUN device
 * with offloads into ordinary segments, and completes a partial checksum, so that the packets can go where nothing
 * understands a virtio-net header (a TUN device without offloads, a peer that does not take them).
 *
 * <p>The packet may come from a peer rather than from our kernel, so every header field is checked before it is
 * used: a bad one gives a {@link Drop}, never an exception. Only absolute gets and puts are used, and nothing is
 * allocated per packet.
 */
final class Segmenter {

    private static final int TCP = 6;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int TCP_HEADER = 20;
    private static final int FIN = 0x01;
    private static final int PSH = 0x08;
    private static final int CWR = 0x80;

    /** Takes each segment: a packet at position..limit of a buffer from {@code buffers}, which the sink then owns. */
    @FunctionalInterface
    interface Sink {
        void accept(ByteBuffer segment) throws IOException;
    }

    /** Why {@link #split} dropped a packet, or the rest of one: it returns {@link #code()}, {@link #of} reads it back. */
    enum Drop {
        /** A super-segment of another protocol (GSO_UDP, an unknown GSO type) or whose IP header is not TCP's. */
        NOT_TCP,
        /** An IPv6 super-segment with extension headers before TCP: Linux makes none, so none are parsed. */
        IPV6_EXTENSION,
        /** Headers truncated, of the wrong IP version, inconsistent with the packet, or a checksum field outside it. */
        MALFORMED,
        /** A super-segment that gives no segment size. */
        ZERO_GSO_SIZE,
        /** No buffer for a segment (the pool is exhausted); segments handed on before stay with the sink. */
        NO_BUFFER;

        private static final Drop[] BY_CODE = values();

        /** The name to count the drop under, e.g. {@code offload-no-buffer}. */
        final String reason = "offload-" + name().toLowerCase(Locale.ROOT).replace('_', '-');

        int code() {
            return -1 - ordinal();
        }

        /** The reason behind a negative result of {@link #split}. */
        static Drop of(int result) {
            return BY_CODE[-1 - result];
        }
    }

    private Segmenter() {}

    /**
     * Turns one packet with its virtio-net header into plain packets for a sink without offloads. The packet is at
     * position..limit of {@code packet} (position and limit are left unchanged; its bytes may be modified in place
     * only in the non-GSO case). Non-GSO packets with NEEDS_CSUM get their checksum completed in place and are handed
     * on as ONE segment by copying into a buffer from {@code buffers} (so the caller's buffer stays the caller's);
     * GSO TCP packets are cut into segments of at most gsoSize payload bytes, each copied into its own buffer from
     * {@code buffers}: IP and TCP headers copied, IPv4 total length, identification (+i per segment) and header
     * checksum fixed, IPv6 payload length fixed, TCP sequence number advanced, FIN and PSH kept only on the last
     * segment, CWR only on the first, and the TCP checksum computed in full (pseudo-header with the segment's own
     * length, header and payload). {@code buffers.apply(n)} gives a buffer positioned where a packet starts, with room
     * for a packet of {@code n} bytes up to its limit, or null when none is left (the pool is exhausted), which drops
     * the rest.
     *
     * @return the number of segments handed to the sink, or a negative {@link Drop#code()} when the packet, or the
     *     rest of it, is dropped
     */
    static int split(ByteBuffer packet, VirtioNetHeader header, IntFunction<ByteBuffer> buffers, Sink sink)
            throws IOException {
        if (!header.isGso()) {
            return whole(packet, header, buffers, sink);
        }
        int type = header.gsoType() & ~VirtioNetHeader.GSO_ECN; // ECN changes nothing here: CWR is on the first anyway
        if (type != VirtioNetHeader.GSO_TCPV4 && type != VirtioNetHeader.GSO_TCPV6) {
            return Drop.NOT_TCP.code();
        }
        if (header.gsoSize() < 1) {
            return Drop.ZERO_GSO_SIZE.code();
        }
        int start = packet.position();
        int length = packet.remaining();
        int version = length == 0 ? 0 : (packet.get(start) & 0xff) >>> 4;
        boolean ipv4 = type == VirtioNetHeader.GSO_TCPV4;
        int ipLength;
        int end; // the IP packet's own length: bytes after it are not the packet's
        if (ipv4) {
            if (version != 4 || length < IPV4_HEADER) {
                return Drop.MALFORMED.code();
            }
            ipLength = (packet.get(start) & 0x0f) * 4;
            end = u16(packet, start + 2);
            // a fragment (MF or an offset) cannot be a super-segment
            if (ipLength < IPV4_HEADER || end < ipLength || end > length || (u16(packet, start + 6) & 0x3fff) != 0) {
                return Drop.MALFORMED.code();
            }
            if (packet.get(start + 9) != TCP) {
                return Drop.NOT_TCP.code();
            }
        } else {
            if (version != 6 || length < IPV6_HEADER) {
                return Drop.MALFORMED.code();
            }
            ipLength = IPV6_HEADER;
            end = IPV6_HEADER + u16(packet, start + 4);
            if (end > length) {
                return Drop.MALFORMED.code();
            }
            int next = packet.get(start + 6) & 0xff;
            if (next != TCP) {
                return (isExtension(next) ? Drop.IPV6_EXTENSION : Drop.NOT_TCP).code();
            }
        }
        if (end - ipLength < TCP_HEADER) {
            return Drop.MALFORMED.code();
        }
        int tcp = start + ipLength;
        int headers = ipLength + ((packet.get(tcp + 12) & 0xf0) >>> 2); // data offset, in words
        if (headers - ipLength < TCP_HEADER || headers > end) {
            return Drop.MALFORMED.code();
        }
        return segments(packet, header.gsoSize(), ipv4, ipLength, headers, end, buffers, sink);
    }

    /**
     * Cuts the checked super-segment at {@code packet.position()} (IP header of {@code ipLength}, IP and TCP headers
     * of {@code headers}, {@code end} bytes in all) into segments of at most {@code gsoSize} payload bytes.
     */
    private static int segments(ByteBuffer packet, int gsoSize, boolean ipv4, int ipLength, int headers, int end,
            IntFunction<ByteBuffer> buffers, Sink sink) throws IOException {
        int start = packet.position();
        int payload = end - headers;
        int id = ipv4 ? u16(packet, start + 4) : 0;
        int seq = u32(packet, start + ipLength + 4);
        int flags = packet.get(start + ipLength + 13) & 0xff;
        int count = 0;
        int offset = 0;
        do { // once at least: a super-segment with no payload is one segment
            int chunk = Math.min(gsoSize, payload - offset);
            int size = headers + chunk;
            ByteBuffer out = buffers.apply(size);
            if (out == null) {
                return Drop.NO_BUFFER.code();
            }
            int at = out.position();
            out.put(at, packet, start, headers).put(at + headers, packet, start + headers + offset, chunk);
            if (ipv4) {
                putU16(out, at + 2, size);
                putU16(out, at + 4, id + count);
                putU16(out, at + 10, 0);
                putU16(out, at + 10, ~fold(sum(out, at, ipLength, 0)));
            } else {
                putU16(out, at + 4, size - IPV6_HEADER);
            }
            int tcp = at + ipLength;
            putU32(out, tcp + 4, seq + offset);
            int segmentFlags = flags;
            if (offset + chunk < payload) {
                segmentFlags &= ~(FIN | PSH); // they belong to the end of the data
            }
            if (count > 0) {
                segmentFlags &= ~CWR; // the window was reduced once, by the first
            }
            out.put(tcp + 13, (byte) segmentFlags);
            putU16(out, tcp + 16, 0);
            int tcpLength = size - ipLength;
            // the pseudo-header: addresses, protocol and length (IPv6's 32-bit length and 8-bit next header sum alike)
            long pseudo = ipv4 ? sum(out, at + 12, 8, TCP + tcpLength) : sum(out, at + 8, 32, TCP + tcpLength);
            putU16(out, tcp + 16, ~fold(sum(out, tcp, tcpLength, pseudo)));
            out.limit(at + size);
            sink.accept(out);
            count++;
            offset += chunk;
        } while (offset < payload);
        return count;
    }

    /** A packet that is not a super-segment: its checksum completed if it needs it, and copied on as it is. */
    private static int whole(ByteBuffer packet, VirtioNetHeader header, IntFunction<ByteBuffer> buffers, Sink sink)
            throws IOException {
        int start = packet.position();
        int length = packet.remaining();
        if (header.needsChecksum()) {
            int from = header.csumStart();
            long field = (long) from + header.csumOffset(); // long: a header made in code is not limited to 16 bits
            if (from < 0 || header.csumOffset() < 0 || field > length - 2) {
                return Drop.MALFORMED.code();
            }
            // the field holds the pseudo-header sum, so summing over it completes the checksum. Like Linux, a result
            // of 0 is sent as 0xffff, the same in ones' complement: to UDP, 0 would mean "no checksum"
            int checksum = ~fold(sum(packet, start + from, length - from, 0)) & 0xffff;
            putU16(packet, start + (int) field, checksum == 0 ? 0xffff : checksum);
        }
        ByteBuffer out = buffers.apply(length);
        if (out == null) {
            return Drop.NO_BUFFER.code();
        }
        out.put(out.position(), packet, start, length).limit(out.position() + length);
        sink.accept(out);
        return 1;
    }

    /** IPv6 extension headers (RFC 8200 and the IANA list), to tell them apart from another upper layer. */
    private static boolean isExtension(int nextHeader) {
        return switch (nextHeader) {
            case 0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254 -> true;
            default -> false;
        };
    }

    /**
     * Adds {@code length} bytes at {@code index} to a ones' complement {@code sum} as big-endian 16-bit words (the
     * last byte padded with zero), eight bytes at a time: the sum of 32-bit halves folds to the same 16-bit sum.
     */
    private static long sum(ByteBuffer buffer, int index, int length, long sum) {
        boolean swap = buffer.order() == ByteOrder.LITTLE_ENDIAN;
        int end = index + length;
        int i = index;
        for (; i + 8 <= end; i += 8) {
            long word = buffer.getLong(i);
            if (swap) {
                word = Long.reverseBytes(word);
            }
            sum += (word >>> 32) + (word & 0xffff_ffffL);
        }
        for (; i + 2 <= end; i += 2) {
            sum += u16(buffer, i);
        }
        if (i < end) {
            sum += (buffer.get(i) & 0xff) << 8;
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    // Byte by byte: whatever order the caller's buffers have, network fields are big-endian.

    private static int u16(ByteBuffer buffer, int index) {
        return (buffer.get(index) & 0xff) << 8 | (buffer.get(index + 1) & 0xff);
    }

    private static int u32(ByteBuffer buffer, int index) {
        return u16(buffer, index) << 16 | u16(buffer, index + 2);
    }

    private static void putU16(ByteBuffer buffer, int index, int value) {
        buffer.put(index, (byte) (value >>> 8)).put(index + 1, (byte) value);
    }

    private static void putU32(ByteBuffer buffer, int index, int value) {
        putU16(buffer, index, value >>> 16);
        putU16(buffer, index + 2, value);
    }
}
