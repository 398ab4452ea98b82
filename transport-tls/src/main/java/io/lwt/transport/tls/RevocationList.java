package io.lwt.transport.tls;

import io.lwt.api.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CRLs of a {@code client-crl} file as read, and the file's {@link Stamp} taken just before, by which a poll sees
 * the file changed or replaced.
 */
record RevocationList(Path file, List<X509CRL> crls, Stamp stamp) {

    RevocationList {
        crls = List.copyOf(crls);
    }

    /**
     * What tells one version of a file from the next without reading it: its inode (a file replaced by a rename, as
     * editors and {@code mv} do, is another), modification time and size; {@link #MISSING} when it cannot be read.
     */
    record Stamp(Object fileKey, FileTime modified, long size) {
        static final Stamp MISSING = new Stamp(null, null, -1);

        static Stamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
            } catch (IOException e) {
                return MISSING;
            }
        }
    }

    /** Reads a file of PEM or DER CRLs; the exception's message is one line that starts with the file. */
    static RevocationList read(Path file) throws IOException {
        Stamp stamp = Stamp.of(file);
        List<X509CRL> crls = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (CRL crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                crls.add((X509CRL) crl);
            }
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException(file + ": not a PEM or DER CRL file: " + e.getMessage(), e);
        }
        if (crls.isEmpty()) {
            throw new IOException(file + ": no CRL found (expected PEM '-----BEGIN X509 CRL-----' or DER)");
        }
        return new RevocationList(file, crls, stamp);
    }

    /** How messages name it: the setting and its file. */
    String source() {
        return "client-crl " + file;
    }

    int revoked() {
        return crls.stream().mapToInt(crl -> crl.getRevokedCertificates() == null ? 0
                : crl.getRevokedCertificates().size()).sum();
    }

    /** Whether the two hold the same CRLs, byte for byte (a file touched or rewritten unchanged does). */
    boolean sameCrls(RevocationList other) {
        return crls.equals(other.crls); // X509CRL.equals compares the encodings
    }

    /**
     * The warning for the first CRL whose nextUpdate has passed, if one has. Such a CRL is still enforced as it is
     * (as OpenVPN's crl-verify does, unlike nginx's ssl_crl): it lists every revocation it ever had, and refusing every
     * client for its age would lock them all out of the tunnel, the operator's own way in included.
     */
    Optional<String> expiry(Instant now) {
        for (X509CRL crl : crls) {
            if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(now)) {
                return Optional.of(source() + ": the CRL of " + Printable.of(crl.getIssuerX500Principal().getName())
                        + " expired on " + crl.getNextUpdate().toInstant() + " (its nextUpdate); its revocations still"
                        + " apply, and no certificate revoked since is in it: issue a new CRL");
            }
        }
        return Optional.empty();
    }
}
