package io.lwt.transport.tls;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.tls.AlertDescription;

/**
 * What one listening hub checks client certificates against while it runs: the {@link ClientAuthority} in force, and
 * the connections it accepted, whose chains a CRL read anew checks again. Handshakes (on their connections' threads)
 * read {@link #current()}; the listener's poll thread ({@link #watch}) and a hub's reload ({@link #reread}) replace the
 * authority, one at a time, and end the accepted connections it now revokes.
 *
 * <p>A handshake publishes its client's chain before it reads the authority, and a re-read publishes the authority
 * before it reads the chains: a client whose handshake overlaps a re-read is checked against the new CRL by one of the
 * two, whichever comes second.
 */
final class ClientTrust {

    private static final System.Logger LOG = System.getLogger("io.lwt.transport.tls");

    private volatile Optional<ClientAuthority> authority;
    /** The connections accepted and not closed yet, each with the hub end of its handshake. */
    private final Map<TlsConnection, HubPeer> accepted = new ConcurrentHashMap<>();
    private RevocationList.Stamp seen; // guarded by this
    private boolean expiryWarned; // guarded by this

    ClientTrust(Optional<ClientAuthority> authority) {
        this.authority = authority;
        this.seen = revocations().map(RevocationList::stamp).orElse(RevocationList.Stamp.MISSING);
        warnOfExpiry();
    }

    Optional<ClientAuthority> current() {
        return authority;
    }

    /** Whether there is a {@code client-crl} file to read anew. */
    boolean rereads() {
        return revocations().isPresent();
    }

    /** Follows an accepted connection until it closes, when there is a CRL that may revoke it later. */
    void track(TlsConnection connection, HubPeer peer) {
        if (rereads()) {
            accepted.put(connection, peer);
        }
    }

    void forget(TlsConnection connection) {
        accepted.remove(connection);
    }

    /**
     * Polls the file every {@code interval} until interrupted and reads it when it changed, so that a CRL written in
     * place or replaced by a rename is in force within one interval, without a reload.
     */
    void watch(Duration interval) {
        try {
            while (true) {
                Thread.sleep(interval);
                poll();
            }
        } catch (InterruptedException e) {
            // the listener closed
        }
    }

    synchronized void poll() {
        try {
            RevocationList before = revocations().orElseThrow();
            if (!RevocationList.Stamp.of(before.file()).equals(seen)) {
                reread();
            }
            warnOfExpiry();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "client-crl: re-reading failed: " + e, e); // a bug; the next change is tried again
        }
    }

    /**
     * Reads the CRL file again; when its CRLs changed, puts them in force and ends every accepted connection whose
     * chain they now revoke, with that reason.
     *
     * @throws IOException when the file cannot be read or holds no CRL: the CRLs read before stay in force
     */
    synchronized void reread() throws IOException {
        ClientAuthority before = authority.orElseThrow();
        RevocationList old = before.revocations().orElseThrow();
        seen = RevocationList.Stamp.of(old.file()); // a file that changes while it is read is read again
        RevocationList next;
        try {
            next = RevocationList.read(old.file());
        } catch (IOException e) {
            throw new IOException("client-crl " + e.getMessage() + "; the CRL read before stays in force", e);
        }
        if (next.sameCrls(old)) {
            return;
        }
        ClientAuthority after = before.withRevocations(next);
        authority = Optional.of(after);
        int ended = endRevoked(after);
        LOG.log(Level.INFO, "{0} read again: {1} revoked certificate{2}; {3} connection{4} ended", next.source(),
                String.valueOf(next.revoked()), next.revoked() == 1 ? "" : "s", String.valueOf(ended),
                ended == 1 ? "" : "s");
        expiryWarned = false;
        warnOfExpiry();
    }

    /**
     * Checks every accepted chain against {@code after} and ends the connections it revokes. Only revocation ends a
     * connection: a client whose certificate expired during its session keeps it, as at any other time.
     */
    private int endRevoked(ClientAuthority after) {
        int ended = 0;
        for (Map.Entry<TlsConnection, HubPeer> entry : accepted.entrySet()) {
            List<X509Certificate> chain = entry.getValue().clientChain();
            if (chain == null) {
                continue; // no certificate yet: its handshake will read the new authority
            }
            try {
                after.identify(chain);
            } catch (Refusal refusal) {
                if (refusal.getAlertDescription() == AlertDescription.certificate_revoked) {
                    entry.getKey().end(refusal.reason());
                    ended++;
                }
            }
        }
        return ended;
    }

    /** One line when the CRL in force is or becomes past its nextUpdate. */
    private synchronized void warnOfExpiry() {
        if (!expiryWarned) {
            revocations().flatMap(r -> r.expiry(Instant.now())).ifPresent(warning -> {
                LOG.log(Level.WARNING, "{0}", warning);
                expiryWarned = true;
            });
        }
    }

    private Optional<RevocationList> revocations() {
        return authority.flatMap(ClientAuthority::revocations);
    }
}
