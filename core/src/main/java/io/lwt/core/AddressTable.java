package io.lwt.core;

import io.lwt.api.IpPackets;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Which session owns which IPv4 tunnel address. Lookups are lock-free and allocation-free (an open-addressing
 * table of primitive keys, replaced whole on change); changes are rare and synchronized.
 */
final class AddressTable implements PeerDirectory {

    private record Table(int[] keys, Session[] owners, int size) {}

    private volatile Table table = new Table(new int[16], new Session[16], 0);

    @Override
    public Peer destinationOwner(ByteBuffer packet) {
        return IpPackets.version(packet) == 4 ? ownerOf(IpPackets.ipv4Destination(packet)) : null;
    }

    Session ownerOf(int address) {
        Table t = table;
        int mask = t.keys.length - 1;
        for (int i = mix(address) & mask; ; i = (i + 1) & mask) {
            Session owner = t.owners[i];
            if (owner == null) {
                return null;
            }
            if (t.keys[i] == address) {
                return owner;
            }
        }
    }

    /** Registers {@code session} as the owner of {@code address} unless another session owns it; returns the owner. */
    synchronized Session claim(int address, Session session) {
        Session current = ownerOf(address);
        if (current != null) {
            return current;
        }
        Table t = table;
        int capacity = t.keys.length;
        while ((t.size + 1) * 2 > capacity) {
            capacity *= 2;
        }
        Table grown = copyWithout(t, capacity, null);
        insert(grown, address, session);
        table = new Table(grown.keys, grown.owners, grown.size + 1);
        return session;
    }

    /** Removes every address that {@code session} owns. */
    synchronized void release(Session session) {
        Table t = table;
        if (Arrays.asList(t.owners).contains(session)) {
            table = copyWithout(t, t.keys.length, session);
        }
    }

    private static Table copyWithout(Table from, int capacity, Session excluded) {
        Table to = new Table(new int[capacity], new Session[capacity], 0);
        int size = 0;
        for (int i = 0; i < from.keys.length; i++) {
            if (from.owners[i] != null && from.owners[i] != excluded) {
                insert(to, from.keys[i], from.owners[i]);
                size++;
            }
        }
        return new Table(to.keys, to.owners, size);
    }

    private static void insert(Table t, int address, Session owner) {
        int mask = t.keys.length - 1;
        int i = mix(address) & mask;
        while (t.owners[i] != null) {
            i = (i + 1) & mask;
        }
        t.keys[i] = address;
        t.owners[i] = owner;
    }

    private static int mix(int address) {
        int h = address * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
