package io.lwt.transport.tls;

import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CRL;
import java.security.cert.CRLSelector;
import java.security.cert.CertSelector;
import java.security.cert.CertStore;
import java.security.cert.CertStoreSpi;
import java.security.cert.Certificate;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLSelector;
import java.util.Collection;
import java.util.List;

/**
 * Offers the JDK's PKIX validator the CRLs of {@code client-crl} whatever their thisUpdate and nextUpdate. The JDK's
 * own collection store answers only with CRLs current at the validation time, so an expired CRL, or one without a
 * nextUpdate, would make every client's revocation status unknown and refuse them all; this store drops only that
 * date criterion, and the validator still checks each CRL's issuer, signature and extensions as before.
 */
final class UndatedCrlStore extends CertStoreSpi {

    private final List<X509CRL> crls;

    private UndatedCrlStore(List<X509CRL> crls) throws InvalidAlgorithmParameterException {
        super(null);
        this.crls = List.copyOf(crls);
    }

    static CertStore of(List<X509CRL> crls) throws InvalidAlgorithmParameterException {
        return new CertStore(new UndatedCrlStore(crls), null, "lwt-client-crl", null) {};
    }

    @Override
    public Collection<? extends Certificate> engineGetCertificates(CertSelector selector) {
        return List.of();
    }

    @Override
    public Collection<? extends CRL> engineGetCRLs(CRLSelector selector) {
        CRLSelector undated = selector;
        if (selector instanceof X509CRLSelector x509) {
            X509CRLSelector copy = (X509CRLSelector) x509.clone();
            copy.setDateAndTime(null);
            undated = copy;
        }
        CRLSelector matching = undated;
        return crls.stream().filter(crl -> matching == null || matching.match(crl)).toList();
    }
}
