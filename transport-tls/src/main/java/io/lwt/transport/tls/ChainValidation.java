package io.lwt.transport.tls;

import io.lwt.api.Printable;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.tls.AlertDescription;

/**
 * Validates a peer's chain with the JDK's PKIX validator and turns its failures into one-line {@link Refusal}s that
 * say whose certificate failed and why (the date it expired, the issuer nobody trusts, the revoked serial).
 */
final class ChainValidation {

    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    /**
     * @param revocations the CRLs to check every certificate of the path against, if any
     * @param whose "the hub's certificate" or "the client's certificate", to start messages with
     * @param trusted where the anchors come from, e.g. "ca /etc/lwt/ca.pem"
     * @param usage the extended key usage the leaf must allow (if it restricts usages at all)
     */
    record Rules(Set<TrustAnchor> anchors, Optional<RevocationList> revocations, String whose, String trusted,
            String usage) {}

    private ChainValidation() {}

    static void validate(List<X509Certificate> chain, Rules rules) throws Refusal {
        Date now = new Date();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String which = i == 0 ? rules.whose() + " (" + subject(certificate) + ")"
                    : rules.whose() + "'s issuer " + subject(certificate);
            try {
                certificate.checkValidity(now);
            } catch (CertificateExpiredException e) {
                throw new Refusal(AlertDescription.certificate_expired,
                        which + " expired on " + certificate.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                throw new Refusal(AlertDescription.certificate_expired,
                        which + " is not valid before " + certificate.getNotBefore().toInstant());
            }
        }
        checkUsage(chain.getFirst(), rules);
        List<X509Certificate> path = new ArrayList<>(chain);
        // the peer may send the root too; the path to validate ends below the anchor
        while (!path.isEmpty() && isAnchor(path.getLast(), rules.anchors())) {
            path.removeLast();
        }
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(rules.anchors());
            parameters.setRevocationEnabled(rules.revocations().isPresent());
            if (rules.revocations().isPresent()) {
                parameters.addCertStore(UndatedCrlStore.of(rules.revocations().get().crls()));
            }
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            throw refusal(e, path, rules);
        } catch (GeneralSecurityException e) {
            throw new Refusal(AlertDescription.internal_error, "cannot validate " + rules.whose() + ": " + e.getMessage());
        }
    }

    /** A certificate's subject as a log line may show it: a peer chose it. */
    static String subject(X509Certificate certificate) {
        return Printable.of(certificate.getSubjectX500Principal().getName());
    }

    private static Refusal refusal(CertPathValidatorException e, List<X509Certificate> path, Rules rules) {
        int index = e.getIndex();
        X509Certificate failed = index >= 0 && index < path.size() ? path.get(index) : path.getFirst();
        String which = failed == path.getFirst() ? rules.whose() + " (" + subject(failed) + ")"
                : rules.whose() + "'s issuer " + subject(failed);
        if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
            X509Certificate top = path.getLast();
            String issuer = top.getIssuerX500Principal().getName();
            boolean selfSigned = top.getIssuerX500Principal().equals(top.getSubjectX500Principal());
            return new Refusal(AlertDescription.unknown_ca, rules.whose() + " (" + subject(path.getFirst())
                    + ") is issued by " + issuer + (selfSigned ? " (self-signed)" : "") + ", which is not in "
                    + rules.trusted());
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
            return new Refusal(AlertDescription.certificate_revoked, which + ", serial "
                    + failed.getSerialNumber().toString(16) + ", is revoked by "
                    + rules.revocations().map(RevocationList::source).orElse("a CRL"));
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            return new Refusal(AlertDescription.certificate_unknown, "the revocation status of " + which
                    + " is unknown: no CRL from its issuer in "
                    + rules.revocations().map(RevocationList::source).orElse("the CRLs") + " (" + e.getMessage() + ")");
        }
        return new Refusal(AlertDescription.bad_certificate, which + " is not valid: " + e.getMessage());
    }

    private static void checkUsage(X509Certificate leaf, Rules rules) throws Refusal {
        List<String> usages;
        try {
            usages = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new Refusal(AlertDescription.bad_certificate, rules.whose() + " has an unreadable extended key usage");
        }
        if (usages != null && !usages.contains(rules.usage()) && !usages.contains(ANY_USAGE)) {
            throw new Refusal(AlertDescription.unsupported_certificate, rules.whose() + " (" + subject(leaf)
                    + ") is not for " + (rules.usage().equals(SERVER_AUTH) ? "TLS servers" : "TLS clients")
                    + " (extended key usage)");
        }
    }

    private static boolean isAnchor(X509Certificate certificate, Set<TrustAnchor> anchors) {
        for (TrustAnchor anchor : anchors) {
            if (certificate.equals(anchor.getTrustedCert())) {
                return true;
            }
        }
        return false;
    }
}
