package io.lwt.cert;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain and the private key of its first certificate.
 *
 * @param chain the leaf first, then the certificates that issued it, each followed by its issuer; never empty
 * @param key the private key of the leaf
 */
public record Credentials(List<X509Certificate> chain, PrivateKey key) {

    public Credentials {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least one certificate");
        }
    }

    /** The certificate of this key: the chain's first. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }
}
