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

    /** Subnets behind clients, longest prefix first; few, so a scan after an exact miss is cheap. */
    private record Subnets(int[] networks, int[] masks, Session[] owners) {}

    private volatile Subnets subnets = new Subnets(new int[0], new int[0], new Session[0]);

    @Override
    public Peer destinationOwner(ByteBuffer packet) {
        return IpPackets.version(packet) == 4 ? ownerOf(IpPackets.ipv4Destination(packet)) : null;
    }

    Session ownerOf(int address) {
        Session owner = exactOwnerOf(address);
        if (owner != null) {
            return owner;
        }
        Subnets s = subnets;
        for (int i = 0; i < s.networks.length; i++) {
            if ((address & s.masks[i]) == s.networks[i]) {
                return s.owners[i];
            }
        }
        return null;
    }

    private Session exactOwnerOf(int address) {
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
        Session current = exactOwnerOf(address);
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

    /** Routes a subnet to {@code session} unless another session holds it; returns the holder. */
    synchronized Session claimSubnet(int network, int prefixLength, Session session) {
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        Subnets s = subnets;
        for (int i = 0; i < s.networks.length; i++) {
            if (s.networks[i] == (network & mask) && s.masks[i] == mask) {
                return s.owners[i];
            }
        }
        int n = s.networks.length;
        int at = 0;
        while (at < n && Integer.bitCount(s.masks[at]) >= prefixLength) {
            at++; // keep longest prefixes first
        }
        int[] networks = new int[n + 1];
        int[] masks = new int[n + 1];
        Session[] owners = new Session[n + 1];
        System.arraycopy(s.networks, 0, networks, 0, at);
        System.arraycopy(s.masks, 0, masks, 0, at);
        System.arraycopy(s.owners, 0, owners, 0, at);
        networks[at] = network & mask;
        masks[at] = mask;
        owners[at] = session;
        System.arraycopy(s.networks, at, networks, at + 1, n - at);
        System.arraycopy(s.masks, at, masks, at + 1, n - at);
        System.arraycopy(s.owners, at, owners, at + 1, n - at);
        subnets = new Subnets(networks, masks, owners);
        return session;
    }

    /** Removes every address and subnet that {@code session} owns. */
    synchronized void release(Session session) {
        Table t = table;
        if (Arrays.asList(t.owners).contains(session)) {
            table = copyWithout(t, t.keys.length, session);
        }
        Subnets s = subnets;
        if (Arrays.asList(s.owners).contains(session)) {
            int kept = 0;
            int[] networks = new int[s.networks.length];
            int[] masks = new int[s.networks.length];
            Session[] owners = new Session[s.networks.length];
            for (int i = 0; i < s.networks.length; i++) {
                if (s.owners[i] != session) {
                    networks[kept] = s.networks[i];
                    masks[kept] = s.masks[i];
                    owners[kept++] = s.owners[i];
                }
            }
            subnets = new Subnets(Arrays.copyOf(networks, kept), Arrays.copyOf(masks, kept), Arrays.copyOf(owners, kept));
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
