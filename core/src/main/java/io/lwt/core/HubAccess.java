package io.lwt.core;

import io.lwt.api.IpPrefix;
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
     * Clients authenticate with a pre-shared key in the session handshake and get their address from the hub: a
     * fixed one from their entry, or one from the pool, remembered per name in {@code stateFile}.
     *
     * @param pool addresses handed out to clients without a fixed one; null for none
     * @param maxHandshakes connections still in the handshake at once; more are refused
     * @param connectionRate new connections per second from one source address; more are refused
     * @param routes networks the hub pushes to every client, besides the subnets other clients declare
     */
    record Secure(Map<String, ClientEntry> clients, AddressPool pool, Path stateFile, Duration handshakeTimeout,
            int maxHandshakes, int connectionRate, List<IpPrefix> routes) implements HubAccess {

        public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
        public static final int DEFAULT_MAX_HANDSHAKES = 256;
        public static final int DEFAULT_CONNECTION_RATE = 10;

        public Secure {
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
    }

    /**
     * A client the hub knows.
     *
     * @param key its pre-shared key, or null when only the transport authenticates it: the connection's
     *     {@link io.lwt.api.transport.Connection#peerIdentity() peer identity} (a client certificate) must then be
     *     its name
     * @param address its fixed tunnel address, or null to take one from the pool
     * @param routes subnets behind the client: the hub forwards them to it and accepts them as its sources
     */
    record ClientEntry(String name, byte[] key, InetAddress address, List<IpPrefix> routes) {
        public ClientEntry(String name, byte[] key, InetAddress address) {
            this(name, key, address, List.of());
        }

        public ClientEntry {
            Objects.requireNonNull(name, "name");
            routes = List.copyOf(routes);
            key = Handshake.checkedKey(key, name);
        }

        @Override
        public byte[] key() {
            return key == null ? null : key.clone();
        }
    }

    /** An inclusive range of IPv4 addresses, e.g. {@code 10.0.0.100-10.0.0.199}. */
    record AddressPool(IpPrefix first, IpPrefix last) {
        public AddressPool {
            if (!first.isIpv4() || !last.isIpv4() || Integer.compareUnsigned(first.ipv4(), last.ipv4()) > 0) {
                throw new IllegalArgumentException("pool " + first.address().getHostAddress() + "-"
                        + last.address().getHostAddress() + " is not an ascending IPv4 range");
            }
        }

        public static AddressPool parse(String text) {
            String[] ends = text.split("-", 2);
            if (ends.length != 2) {
                throw new IllegalArgumentException("expected FIRST-LAST, e.g. 10.0.0.100-10.0.0.199");
            }
            return new AddressPool(IpPrefix.parse(ends[0].trim()), IpPrefix.parse(ends[1].trim()));
        }

        int size() {
            return last.ipv4() - first.ipv4() + 1;
        }

        public boolean contains(InetAddress address) {
            int a = IpPrefixes.ipv4(address);
            return Integer.compareUnsigned(a, first.ipv4()) >= 0 && Integer.compareUnsigned(a, last.ipv4()) <= 0;
        }
    }
}
