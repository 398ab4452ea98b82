package io.lwt.core;

import io.lwt.api.IpPrefix;
import io.lwt.core.handshake.Protocol;
import java.util.Objects;

/** How a client joins its hub. */
public sealed interface ClientAuth {

    /**
     * The session handshake: the client proves its pre-shared key, the hub its static key, and the hub assigns the
     * address.
     *
     * @param identity the client's name in its own logs and status (the hub knows it by its key)
     * @param key the pre-shared key, or null when the transport authenticates the client (a TLS client certificate
     *     whose identity is its name on the hub)
     * @param hubKey the hub's static public key, which the client pins
     */
    record Secure(String identity, byte[] key, byte[] hubKey) implements ClientAuth {
        /** The longest identity, in UTF-8 bytes. */
        public static final int MAX_IDENTITY = 64;

        public Secure {
            Objects.requireNonNull(identity, "identity");
            if (identity.isEmpty() || identity.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_IDENTITY) {
                throw new IllegalArgumentException("identity must be 1.." + MAX_IDENTITY + " bytes");
            }
            key = Protocol.checkedKey(key, identity);
            hubKey = StaticKeys.copyOf(hubKey);
        }

        @Override
        public byte[] key() {
            return key == null ? null : key.clone();
        }

        @Override
        public byte[] hubKey() {
            return hubKey.clone();
        }
    }

    /** The original program's protocol: no handshake; the client brings its own address, which is IPv4. */
    record Legacy(IpPrefix address) implements ClientAuth {
        public Legacy {
            Objects.requireNonNull(address, "address");
            if (!address.isIpv4()) {
                throw new IllegalArgumentException("legacy mode is IPv4 only: " + address + " is an IPv6 address");
            }
        }
    }
}
