package io.lwt.transport.udp;

import java.util.function.IntFunction;

/**
 * A hub's connections by index: looked up for every datagram by the receiving thread, without locks or allocation;
 * changed (rarely: a client joins or leaves) by copying the table, under the table's lock. Open addressing with linear
 * probing, at most half full.
 */
final class IndexTable<C> {

    private record Table(int[] indices, Object[] connections, int size) {}

    private final IntFunction<C[]> arrays;
    private volatile Table table = new Table(new int[16], new Object[16], 0);

    IndexTable(IntFunction<C[]> arrays) {
        this.arrays = arrays;
    }

    /** The connection of {@code index}, or null. */
    @SuppressWarnings("unchecked")
    C get(int index) {
        Table t = table;
        int mask = t.indices.length - 1;
        for (int i = slot(index, mask); ; i = (i + 1) & mask) {
            int at = t.indices[i];
            if (at == index) {
                return (C) t.connections[i];
            }
            if (at == 0) {
                return null;
            }
        }
    }

    /** Adds a connection under an index not in use (0 is never one). */
    synchronized void put(int index, C connection) {
        Table t = table;
        int capacity = t.indices.length;
        while (2 * (t.size + 1) > capacity) {
            capacity *= 2;
        }
        table = copy(t, capacity, index, connection, 0);
    }

    /** Removes the connection of {@code index}, if it is {@code connection}. */
    synchronized void remove(int index, C connection) {
        if (get(index) == connection) {
            table = copy(table, table.indices.length, 0, null, index);
        }
    }

    synchronized int size() {
        return table.size;
    }

    /** Every connection, for closing them. */
    synchronized C[] all() {
        Table t = table;
        C[] all = arrays.apply(t.size);
        int n = 0;
        for (int i = 0; i < t.indices.length; i++) {
            if (t.indices[i] != 0) {
                @SuppressWarnings("unchecked")
                C c = (C) t.connections[i];
                all[n++] = c;
            }
        }
        return all;
    }

    private static Table copy(Table from, int capacity, int added, Object connection, int removed) {
        int[] indices = new int[capacity];
        Object[] connections = new Object[capacity];
        int size = 0;
        for (int i = 0; i < from.indices.length; i++) {
            int index = from.indices[i];
            if (index != 0 && index != removed) {
                insert(indices, connections, index, from.connections[i]);
                size++;
            }
        }
        if (added != 0) {
            insert(indices, connections, added, connection);
            size++;
        }
        return new Table(indices, connections, size);
    }

    private static void insert(int[] indices, Object[] connections, int index, Object connection) {
        int mask = indices.length - 1;
        int i = slot(index, mask);
        while (indices[i] != 0) {
            i = (i + 1) & mask;
        }
        indices[i] = index;
        connections[i] = connection;
    }

    private static int slot(int index, int mask) {
        int h = index * 0x9E3779B9; // a client's index is random already; this spreads small ones (tests') too
        return (h ^ h >>> 16) & mask;
    }
}
