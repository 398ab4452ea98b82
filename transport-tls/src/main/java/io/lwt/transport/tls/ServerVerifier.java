package io.lwt.transport.tls;

import io.lwt.cert.Certificates;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.tls.AlertDescription;

/** How a client decides that the hub's certificate chain (leaf first) is the hub it meant to reach. */
sealed interface ServerVerifier {

    String WHOSE = "the hub's certificate";

    /** @param expectedName the name the hub must have: {@code server-name}, else the host that was dialed */
    void verify(List<X509Certificate> chain, String expectedName) throws Refusal;

    /** {@code pin}: the leaf's SHA-256 is one of these ({@code sha256:} and lower-case hex); nothing else checked. */
    record Pinned(List<String> fingerprints) implements ServerVerifier {
        public Pinned {
            fingerprints = List.copyOf(fingerprints);
        }

        @Override
        public void verify(List<X509Certificate> chain, String expectedName) throws Refusal {
            String actual = Certificates.fingerprint(chain.getFirst());
            if (!fingerprints.contains(actual)) {
                throw new Refusal(AlertDescription.bad_certificate, WHOSE + " " + actual + " does not match the pinned "
                        + String.join(", ", fingerprints));
            }
        }
    }

    /** {@code ca} or {@code trust: system}: a PKIX chain to one of these anchors, and the expected name. */
    record Authorities(Set<TrustAnchor> anchors, String source) implements ServerVerifier {
        public Authorities {
            anchors = Set.copyOf(anchors);
        }

        @Override
        public void verify(List<X509Certificate> chain, String expectedName) throws Refusal {
            ChainValidation.validate(chain, new ChainValidation.Rules(anchors, Optional.empty(), WHOSE, source,
                    ChainValidation.SERVER_AUTH));
            X509Certificate leaf = chain.getFirst();
            if (!HostnameMatch.matches(leaf, expectedName)) {
                List<String> names = HostnameMatch.names(leaf);
                throw new Refusal(AlertDescription.bad_certificate, names.isEmpty()
                        ? WHOSE + " (" + ChainValidation.subject(leaf) + ") names no host (no DNS or IP"
                                + " subjectAltName), expected '" + expectedName + "'"
                        : WHOSE + " is for " + String.join(", ", names) + ", not '" + expectedName + "'");
            }
        }
    }

    /** {@code insecure-skip-verify: true}: any certificate. */
    record Insecure() implements ServerVerifier {
        @Override
        public void verify(List<X509Certificate> chain, String expectedName) {}
    }
}
