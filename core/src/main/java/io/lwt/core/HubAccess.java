package io.lwt.core;

import io.lwt.api.IpPrefix;
import io.lwt.core.handshake.Credential;
import io.lwt.core.handshake.Protocol;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Who may join a hub, and with which address. */
public sealed interface HubAccess {

    /**
     * The original program's protocol: no handshake, anyone may connect, and a client's address is learned from its
     * first packet. Only for replacing the original's nodes one at a time.
     */
    record Legacy() implements HubAccess {}

    /**
     * Clients authenticate with a pre-shared key in the session handshake, and the hub with its static key, which
     * clients pin; clients get their address from the hub: a fixed one from their entry, or one from the pool,
     * remembered per name in {@code stateFile}.
     *
     * @param staticKey the hub's Curve25519 private key (see {@link StaticKeys})
     * @param pool addresses handed out to clients without a fixed one; null for none
     * @param maxHandshakes connections still in the handshake at once; more are refused
     * @param connectionRate new connections per second from one source address; more are refused
     * @param routes networks the hub pushes to every client, besides the subnets other clients declare
     */
    record Secure(byte[] staticKey, Map<String, ClientEntry> clients, AddressPool pool, Path stateFile,
            Duration handshakeTimeout, int maxHandshakes, int connectionRate, List<IpPrefix> routes) implements HubAccess {

        public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
        public static final int DEFAULT_MAX_HANDSHAKES = 256;
        public static final int DEFAULT_CONNECTION_RATE = 10;

        public Secure {
            staticKey = StaticKeys.copyOf(staticKey);
            clients = Map.copyOf(clients);
            routes = List.copyOf(routes);
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            if (pool != null) {
                Objects.requireNonNull(stateFile, "a pool needs a state file");
            }
            if (maxHandshakes < 1) {
                throw new IllegalArgumentException("max-handshakes must be at least 1");
            }
            if (connectionRate < 1) {
                throw new IllegalArgumentException("connection-rate must be at least 1");
            }
        }

        @Override
        public byte[] staticKey() {
            return staticKey.clone();
        }
    }

    /**
     * A client the hub knows.
     *
     * @param key its pre-shared key, or null when only the transport authenticates it: the connection's
     *     {@link io.lwt.api.transport.Connection#peerIdentity() peer identity} (a client certificate) must then be
     *     its name
     * @param address its fixed IPv4 tunnel address, or null to take one from the pool
     * @param ipv6Address its fixed IPv6 tunnel address, or null to take one from the pool's IPv6 range, if any, when
     *     the hub has an IPv6 address
     * @param routes subnets of either family behind the client: the hub forwards them to it and accepts them as its
     *     sources
     */
    record ClientEntry(String name, byte[] key, InetAddress address, InetAddress ipv6Address, List<IpPrefix> routes) {
        public ClientEntry(String name, byte[] key, InetAddress address) {
            this(name, key, address, null, List.of());
        }

        public ClientEntry(String name, byte[] key, InetAddress address, List<IpPrefix> routes) {
            this(name, key, address, null, routes);
        }

        public ClientEntry {
            Objects.requireNonNull(name, "name");
            routes = List.copyOf(routes);
            if (address != null && !(address instanceof Inet4Address)) {
                throw new IllegalArgumentException(name + ": " + IpPrefix.text(address) + " is not an IPv4 address");
            }
            if (ipv6Address != null && !(ipv6Address instanceof Inet6Address)) {
                throw new IllegalArgumentException(name + ": " + IpPrefix.text(ipv6Address) + " is not an IPv6 address");
            }
            key = Protocol.checkedKey(key, name);
        }

        @Override
        public byte[] key() {
            return key == null ? null : key.clone();
        }

        /** What the handshake knows the client by: the static key and PSK its pre-shared key stands for. */
        Credential credential() {
            return Credential.of(name, key);
        }
    }

    /**
     * The addresses a hub hands out to clients without fixed ones: an IPv4 range, an IPv6 range, or both, e.g.
     * {@code [10.0.0.100-10.0.0.199, fd00::100-fd00::1ff]}.
     *
     * @param ipv4 the IPv4 range, or null
     * @param ipv6 the IPv6 range, or null
     */
    record AddressPool(AddressRange ipv4, AddressRange ipv6) {
        public AddressPool {
            if (ipv4 == null && ipv6 == null) {
                throw new IllegalArgumentException("a pool needs a range");
            }
            if (ipv4 != null && !ipv4.isIpv4() || ipv6 != null && ipv6.isIpv4()) {
                throw new IllegalArgumentException("pool: the ipv4 range must be IPv4 and the ipv6 range IPv6");
            }
        }

        /** Parses one range per family, e.g. {@code 10.0.0.100-10.0.0.199} and {@code fd00::100-fd00::1ff}. */
        public static AddressPool parse(String... ranges) {
            AddressRange ipv4 = null;
            AddressRange ipv6 = null;
            for (String text : ranges) {
                AddressRange range = AddressRange.parse(text);
                if (range.isIpv4() ? ipv4 != null : ipv6 != null) {
                    throw new IllegalArgumentException("two " + (range.isIpv4() ? "IPv4" : "IPv6")
                            + " ranges: a pool has at most one of each family");
                }
                if (range.isIpv4()) {
                    ipv4 = range;
                } else {
                    ipv6 = range;
                }
            }
            return new AddressPool(ipv4, ipv6);
        }

        /** The range of the address's family, or null. */
        AddressRange rangeFor(boolean ipv4Family) {
            return ipv4Family ? ipv4 : ipv6;
        }

        public boolean contains(InetAddress address) {
            AddressRange range = rangeFor(address instanceof Inet4Address);
            return range != null && range.contains(address);
        }
    }

    /** An inclusive, ascending range of addresses of one family, e.g. {@code 10.0.0.100-10.0.0.199}. */
    record AddressRange(InetAddress first, InetAddress last) {
        public AddressRange {
            if (first.getClass() != last.getClass() || number(first).compareTo(number(last)) > 0) {
                throw new IllegalArgumentException(IpPrefix.text(first) + "-" + IpPrefix.text(last)
                        + " is not an ascending range of one family");
            }
        }

        public static AddressRange parse(String text) {
            // IPv6 literals contain no '-', so the first one separates the ends
            String[] ends = text.split("-", 2);
            if (ends.length != 2) {
                throw new IllegalArgumentException("expected FIRST-LAST, e.g. 10.0.0.100-10.0.0.199, got '" + text + "'");
            }
            return new AddressRange(IpPrefix.literal(ends[0].trim()), IpPrefix.literal(ends[1].trim()));
        }

        public boolean isIpv4() {
            return first instanceof Inet4Address;
        }

        public boolean contains(InetAddress address) {
            if (address.getClass() != first.getClass()) {
                return false;
            }
            BigInteger n = number(address);
            return n.compareTo(number(first)) >= 0 && n.compareTo(number(last)) <= 0;
        }

        /** The lowest address of the range for which {@code taken} is false, or null when every one is taken. */
        InetAddress lowestFree(java.util.function.Predicate<InetAddress> taken) {
            BigInteger end = number(last);
            // each taken address rules out one candidate, so this ends after at most (taken addresses + 1) steps
            for (BigInteger n = number(first); n.compareTo(end) <= 0; n = n.add(BigInteger.ONE)) {
                InetAddress candidate = address(n, first.getAddress().length);
                if (!taken.test(candidate)) {
                    return candidate;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return IpPrefix.text(first) + "-" + IpPrefix.text(last);
        }

        private static BigInteger number(InetAddress address) {
            return new BigInteger(1, address.getAddress());
        }

        private static InetAddress address(BigInteger n, int length) {
            byte[] raw = n.toByteArray(); // big-endian, possibly with a leading sign byte or fewer bytes
            byte[] bytes = new byte[length];
            int copied = Math.min(raw.length, length);
            System.arraycopy(raw, raw.length - copied, bytes, length - copied, copied);
            try {
                return InetAddress.getByAddress(bytes);
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
    }
}
