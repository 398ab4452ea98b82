package io.lwt.api.tun;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Linux {@code struct virtio_net_hdr} (10 bytes, little-endian) that a TUN device with offloads puts before every
 * packet it reads and expects before every packet written to it. It says whether the packet is a TCP super-segment
 * that still has to be cut into segments of {@code gsoSize} payload bytes, and whether its transport checksum is
 * still to be completed (only the pseudo-header sum is in place, at {@code csumStart + csumOffset}).
 *
 * <p>Layout: {@code flags:u8 gsoType:u8 hdrLen:u16 gsoSize:u16 csumStart:u16 csumOffset:u16}; {@code csumStart}
 * counts from the start of the IP packet.
 *
 * @param flags {@link #NEEDS_CSUM}, {@link #DATA_VALID} or 0
 * @param gsoType {@link #GSO_NONE}, {@link #GSO_TCPV4} or {@link #GSO_TCPV6}, possibly with {@link #GSO_ECN}
 * @param hdrLen the length of the IP and TCP headers of a super-segment (a hint; may be 0)
 * @param gsoSize the payload bytes per segment of a super-segment
 * @param csumStart where the checksummed part begins (the transport header)
 * @param csumOffset where in it the checksum field lies (16 for TCP, 6 for UDP)
 */
public record VirtioNetHeader(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {

    public static final int LENGTH = 10;
    /** The checksum at {@code csumStart + csumOffset} holds only the pseudo-header sum: complete it. */
    public static final int NEEDS_CSUM = 1;
    /** The checksum was verified (on write: the kernel need not check it). */
    public static final int DATA_VALID = 2;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;
    public static final int GSO_UDP = 3;
    public static final int GSO_TCPV6 = 4;
    public static final int GSO_ECN = 0x80;
    /** A header that says nothing: a whole packet with a complete checksum. */
    public static final VirtioNetHeader NONE = new VirtioNetHeader(0, GSO_NONE, 0, 0, 0, 0);

    /** Reads the header at {@code index} of {@code buffer} (absolute; the buffer's position and order unchanged). */
    public static VirtioNetHeader read(ByteBuffer buffer, int index) {
        return new VirtioNetHeader(buffer.get(index) & 0xff, buffer.get(index + 1) & 0xff, u16(buffer, index + 2),
                u16(buffer, index + 4), u16(buffer, index + 6), u16(buffer, index + 8));
    }

    /** Writes this header at {@code index} of {@code buffer} (absolute). */
    public void write(ByteBuffer buffer, int index) {
        buffer.put(index, (byte) flags).put(index + 1, (byte) gsoType);
        putU16(buffer, index + 2, hdrLen);
        putU16(buffer, index + 4, gsoSize);
        putU16(buffer, index + 6, csumStart);
        putU16(buffer, index + 8, csumOffset);
    }

    /** Writes an all-zero header ({@link #NONE}) at {@code index}: the cheap form for a packet that needs nothing. */
    public static void writeNone(ByteBuffer buffer, int index) {
        buffer.putLong(index, 0).putShort(index + 8, (short) 0);
    }

    /** Whether the packet after this header is a super-segment to be cut into segments. */
    public boolean isGso() {
        return (gsoType & ~GSO_ECN) != GSO_NONE;
    }

    public boolean needsChecksum() {
        return (flags & NEEDS_CSUM) != 0;
    }

    private static int u16(ByteBuffer buffer, int index) {
        return Short.toUnsignedInt(buffer.order() == ByteOrder.LITTLE_ENDIAN ? buffer.getShort(index)
                : Short.reverseBytes(buffer.getShort(index)));
    }

    private static void putU16(ByteBuffer buffer, int index, int value) {
        short v = (short) value;
        buffer.putShort(index, buffer.order() == ByteOrder.LITTLE_ENDIAN ? v : Short.reverseBytes(v));
    }
}
