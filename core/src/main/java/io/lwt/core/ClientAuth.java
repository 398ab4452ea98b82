package io.lwt.core;

import io.lwt.api.IpPrefix;
import io.lwt.core.handshake.Hello;
import io.lwt.core.handshake.Proofs;
import java.util.Objects;

/** How a client joins its hub. */
public sealed interface ClientAuth {

    /**
     * The session handshake; the hub assigns the address.
     *
     * @param key the pre-shared key, or null when the transport authenticates both ends (a TLS client certificate
     *     whose identity is {@code identity}, and the hub's verified certificate)
     */
    record Secure(String identity, byte[] key) implements ClientAuth {
        public Secure {
            Objects.requireNonNull(identity, "identity");
            if (identity.isEmpty() || identity.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Hello.MAX_NAME) {
                throw new IllegalArgumentException("identity must be 1.." + Hello.MAX_NAME + " bytes");
            }
            key = Proofs.checkedKey(key, identity);
        }

        @Override
        public byte[] key() {
            return key == null ? null : key.clone();
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
