package io.lwt.core;

import io.lwt.api.IpPackets;
import io.lwt.api.IpPrefix;
import io.lwt.api.routing.Peer;
import io.lwt.api.routing.PeerDirectory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Which peer owns which tunnel address, IPv4 or IPv6, and which subnets lie behind which peer. Lookups are lock-free
 * and allocation-free (per family, an open-addressing table of primitive keys, replaced whole on change); changes are
 * rare and synchronized. Any thread may look up; the hub's handshakes and session ends change it.
 *
 * @param <P> the kind of peer: the hub's sessions, or a test's own peers
 */
final class AddressTable<P extends Peer> implements PeerDirectory {

    private final Owners ipv4 = new Owners();
    private final Owners ipv6 = new Owners();

    @Override
    public P destinationOwner(ByteBuffer packet) {
        return switch (IpPackets.version(packet)) {
            case 4 -> ipv4.ownerOf(0, Network.ipv4Key(IpPackets.ipv4Destination(packet)));
            case 6 -> ipv6.ownerOf(IpPackets.ipv6DestinationHigh(packet), IpPackets.ipv6DestinationLow(packet));
            default -> null;
        };
    }

    /** The peer that owns the packet's source address, as {@link #destinationOwner} the destination's. */
    P sourceOwner(ByteBuffer packet) {
        return switch (IpPackets.version(packet)) {
            case 4 -> ipv4.ownerOf(0, Network.ipv4Key(IpPackets.ipv4Source(packet)));
            case 6 -> ipv6.ownerOf(IpPackets.ipv6SourceHigh(packet), IpPackets.ipv6SourceLow(packet));
            default -> null;
        };
    }

    /** The owner of an IPv4 address (a big-endian int) or of the longest subnet holding it; null for none. */
    P ownerOf(int address) {
        return ipv4.ownerOf(0, Network.ipv4Key(address));
    }

    /** The owner of an address of either family or of the longest subnet holding it; null for none. */
    P ownerOf(InetAddress address) {
        Network key = Network.of(address);
        return owners(address).ownerOf(key.high(), key.low());
    }

    /** Registers {@code session} as the owner of an IPv4 address unless another session owns it; returns the owner. */
    P claim(int address, P session) {
        return ipv4.claim(0, Network.ipv4Key(address), session);
    }

    /** Registers {@code session} as the owner of {@code address} unless another session owns it; returns the owner. */
    P claim(InetAddress address, P session) {
        Network key = Network.of(address);
        return owners(address).claim(key.high(), key.low(), session);
    }

    /** Routes a subnet of either family to {@code session} unless another session holds it; returns the holder. */
    P claimSubnet(IpPrefix subnet, P session) {
        return owners(subnet.address()).claimSubnet(Network.of(subnet), session);
    }

    /** Removes every address and subnet that {@code session} owns. */
    void release(P session) {
        ipv4.release(session);
        ipv6.release(session);
    }

    private Owners owners(InetAddress address) {
        return address.getAddress().length == 4 ? ipv4 : ipv6;
    }

    /** One family's owners: addresses as 128-bit keys (IPv4 in the low half), subnets scanned longest first. */
    private final class Owners {

        private record Table(long[] highs, long[] lows, Peer[] owners, int size) {}

        /** Subnets behind clients, longest prefix first; few, so a scan after an exact miss is cheap. */
        private record Subnets(Network[] networks, Peer[] owners) {}

        private volatile Table table = new Table(new long[16], new long[16], new Peer[16], 0);
        private volatile Subnets subnets = new Subnets(new Network[0], new Peer[0]);

        P ownerOf(long high, long low) {
            P owner = exactOwnerOf(high, low);
            if (owner != null) {
                return owner;
            }
            Subnets s = subnets;
            for (int i = 0; i < s.networks.length; i++) {
                if (s.networks[i].contains(high, low)) {
                    return owner(s.owners[i]);
                }
            }
            return null;
        }

        private P exactOwnerOf(long high, long low) {
            Table t = table;
            int mask = t.owners.length - 1;
            for (int i = mix(high, low) & mask; ; i = (i + 1) & mask) {
                Peer owner = t.owners[i];
                if (owner == null) {
                    return null;
                }
                if (t.highs[i] == high && t.lows[i] == low) {
                    return owner(owner);
                }
            }
        }

        synchronized P claim(long high, long low, P session) {
            P current = exactOwnerOf(high, low);
            if (current != null) {
                return current;
            }
            Table t = table;
            int capacity = t.owners.length;
            while ((t.size + 1) * 2 > capacity) {
                capacity *= 2;
            }
            Table grown = copyWithout(t, capacity, null);
            insert(grown, high, low, session);
            table = new Table(grown.highs, grown.lows, grown.owners, grown.size + 1);
            return session;
        }

        synchronized P claimSubnet(Network subnet, P session) {
            Subnets s = subnets;
            for (int i = 0; i < s.networks.length; i++) {
                if (s.networks[i].equals(subnet)) {
                    return owner(s.owners[i]);
                }
            }
            int n = s.networks.length;
            int at = 0;
            while (at < n && s.networks[at].prefixLength() >= subnet.prefixLength()) {
                at++; // keep longest prefixes first
            }
            Network[] networks = new Network[n + 1];
            Peer[] owners = new Peer[n + 1];
            System.arraycopy(s.networks, 0, networks, 0, at);
            System.arraycopy(s.owners, 0, owners, 0, at);
            networks[at] = subnet;
            owners[at] = session;
            System.arraycopy(s.networks, at, networks, at + 1, n - at);
            System.arraycopy(s.owners, at, owners, at + 1, n - at);
            subnets = new Subnets(networks, owners);
            return session;
        }

        synchronized void release(P session) {
            Table t = table;
            if (Arrays.asList(t.owners).contains(session)) {
                table = copyWithout(t, t.owners.length, session);
            }
            Subnets s = subnets;
            if (Arrays.asList(s.owners).contains(session)) {
                int kept = 0;
                Network[] networks = new Network[s.networks.length];
                Peer[] owners = new Peer[s.networks.length];
                for (int i = 0; i < s.networks.length; i++) {
                    if (s.owners[i] != session) {
                        networks[kept] = s.networks[i];
                        owners[kept++] = s.owners[i];
                    }
                }
                subnets = new Subnets(Arrays.copyOf(networks, kept), Arrays.copyOf(owners, kept));
            }
        }

        private Table copyWithout(Table from, int capacity, P excluded) {
            Table to = new Table(new long[capacity], new long[capacity], new Peer[capacity], 0);
            int size = 0;
            for (int i = 0; i < from.owners.length; i++) {
                if (from.owners[i] != null && from.owners[i] != excluded) {
                    insert(to, from.highs[i], from.lows[i], from.owners[i]);
                    size++;
                }
            }
            return new Table(to.highs, to.lows, to.owners, size);
        }

        private void insert(Table t, long high, long low, Peer owner) {
            int mask = t.owners.length - 1;
            int i = mix(high, low) & mask;
            while (t.owners[i] != null) {
                i = (i + 1) & mask;
            }
            t.highs[i] = high;
            t.lows[i] = low;
            t.owners[i] = owner;
        }

        @SuppressWarnings("unchecked") // only claims put owners in, and they are P
        private P owner(Peer owner) {
            return (P) owner;
        }

        private static int mix(long high, long low) {
            long h = (high * 0x9E3779B97F4A7C15L ^ low) * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }
    }
}
