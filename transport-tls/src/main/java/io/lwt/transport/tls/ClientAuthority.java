package io.lwt.transport.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.tls.AlertDescription;

/**
 * Mutual TLS at a hub ({@code client-ca}): client chains must lead to one of these CA certificates and not be revoked
 * by {@code client-crl}; the client's identity is its certificate's CN or first DNS (else email) subjectAltName.
 * A CRL read anew makes a new authority ({@link #withRevocations}), which {@link ClientTrust} puts in force.
 */
record ClientAuthority(List<X509Certificate> authorities, Optional<RevocationList> revocations,
        IdentityFrom identityFrom, String source) {

    enum IdentityFrom { CN, SAN }

    private static final String WHOSE = "the client's certificate";
    private static final int DNS = 2;
    private static final int EMAIL = 1;

    ClientAuthority {
        authorities = List.copyOf(authorities);
    }

    ClientAuthority withRevocations(RevocationList next) {
        return new ClientAuthority(authorities, Optional.of(next), identityFrom, source);
    }

    /** Validates a client's chain (leaf first, not empty) and returns the client's identity. */
    String identify(List<X509Certificate> chain) throws Refusal {
        Set<TrustAnchor> anchors = authorities.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
        ChainValidation.validate(chain, new ChainValidation.Rules(anchors, revocations, WHOSE, source,
                ChainValidation.CLIENT_AUTH));
        X509Certificate leaf = chain.getFirst();
        String identity = identityFrom == IdentityFrom.CN ? commonName(leaf) : altName(leaf);
        if (identity == null || identity.isBlank()) {
            throw new Refusal(AlertDescription.bad_certificate, WHOSE + " (" + ChainValidation.subject(leaf) + ") has no "
                    + (identityFrom == IdentityFrom.CN ? "CN" : "DNS or email subjectAltName")
                    + " to take the client's identity from (client-identity " + identityFrom.name().toLowerCase() + ")");
        }
        return identity;
    }

    private static String commonName(X509Certificate certificate) {
        RDN[] names = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).getRDNs(BCStyle.CN);
        return names.length == 0 ? null : IETFUtils.valueToString(names[0].getFirst().getValue());
    }

    private static String altName(X509Certificate certificate) {
        String email = null;
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries == null) {
                return null;
            }
            for (List<?> entry : entries) {
                int type = (Integer) entry.get(0);
                if (type == DNS) {
                    return (String) entry.get(1);
                }
                if (type == EMAIL && email == null) {
                    email = (String) entry.get(1);
                }
            }
        } catch (CertificateParsingException e) {
            return null;
        }
        return email;
    }
}
