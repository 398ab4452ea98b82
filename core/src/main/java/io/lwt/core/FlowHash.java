package io.lwt.core;

import java.nio.ByteBuffer;

/**
 * A hash of an IP packet's flow: addresses, protocol and, for TCP and UDP, ports. Fragments of a datagram hash
 * without ports, so that all of them land in one flow. IPv6 extension headers are not followed: their packets hash
 * by addresses and next header, which keeps each flow in one bucket all the same.
 */
final class FlowHash {

    private static final int TCP = 6;
    private static final int UDP = 17;

    private FlowHash() {
    }

    /** The hash of the packet at {@code ip..limit}; a packet too short for its header hashes as 0. */
    static int of(ByteBuffer packet, int ip) {
        int length = packet.limit() - ip;
        if (length < 20) {
            return 0;
        }
        int h;
        int protocol;
        int transport;
        switch ((packet.get(ip) & 0xff) >>> 4) {
            case 4 -> {
                protocol = packet.get(ip + 9) & 0xff;
                h = packet.getInt(ip + 12) * 31 + packet.getInt(ip + 16);
                boolean fragment = (packet.getShort(ip + 6) & 0x3fff) != 0; // more fragments, or an offset
                transport = fragment ? -1 : ip + (packet.get(ip) & 0x0f) * 4;
            }
            case 6 -> {
                if (length < 40) {
                    return 0;
                }
                protocol = packet.get(ip + 6) & 0xff;
                h = 0;
                for (int i = 8; i < 40; i += 4) {
                    h = h * 31 + packet.getInt(ip + i);
                }
                transport = ip + 40;
            }
            default -> {
                return 0;
            }
        }
        if ((protocol == TCP || protocol == UDP) && transport >= 0 && packet.limit() - transport >= 4) {
            h = h * 31 + packet.getInt(transport); // both ports
        }
        h = h * 31 + protocol;
        h ^= h >>> 16; // a finalizer (MurmurHash3's), so that buckets are taken from well-mixed bits
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
