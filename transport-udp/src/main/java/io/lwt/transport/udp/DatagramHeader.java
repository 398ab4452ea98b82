package io.lwt.transport.udp;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The 4 bytes before every message, in network order: the connection's index in bits 0-30, which the client picks at
 * random when it dials and the hub finds the connection by (so a client whose address changes is still found, as
 * WireGuard finds a peer by its receiver index); and in bit 31, on a client's datagrams until it has heard from the
 * hub, OPENING: only such a datagram may open a connection at the hub, so a client the hub has forgotten (after a
 * restart) costs the hub nothing but a dropped datagram until it dials anew.
 */
final class DatagramHeader {

    static final int LENGTH = 4;
    static final ValueLayout.OfInt WORD = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final int OPENING = 1 << 31;
    static final int INDEX = ~OPENING;

    private DatagramHeader() {}

    /** A new connection's index: random, not 0. */
    static int newIndex() {
        return ThreadLocalRandom.current().nextInt(1, INDEX);
    }

    /** Writes {@code word} in the {@link #LENGTH} bytes before the message's position. */
    static void write(ByteBuffer message, int word) {
        int at = message.position() - LENGTH;
        message.put(at, (byte) (word >>> 24)).put(at + 1, (byte) (word >>> 16)).put(at + 2, (byte) (word >>> 8))
                .put(at + 3, (byte) word);
    }
}
