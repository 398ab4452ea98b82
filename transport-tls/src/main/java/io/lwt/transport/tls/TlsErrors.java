package io.lwt.transport.tls;

import io.lwt.api.Side;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;

/** Turns whatever a TLS connection failed with into one line that starts with "tls: " and names the cause. */
final class TlsErrors {

    /**
     * What the connection knew when it failed.
     *
     * @param endedFor why this side ended it, when it gave a reason (a certificate revoked since); else {@code null}
     */
    record Circumstances(Side side, boolean handshaking, boolean peerEnded, boolean closedHere, String endedFor) {}

    private TlsErrors() {}

    static IOException describe(Throwable failure, Circumstances at) {
        return new IOException("tls: " + reason(failure, at), failure);
    }

    private static String reason(Throwable failure, Circumstances at) {
        String peer = at.side() == Side.CLIENT ? "the hub" : "the client";
        if (at.endedFor() != null) {
            return at.endedFor();
        }
        if (at.closedHere()) {
            return "connection closed" + (at.handshaking() ? " during the TLS handshake" : "");
        }
        if (find(failure, Refusal.class) instanceof Refusal refusal) {
            return refusal.reason();
        }
        if (find(failure, NotTlsException.class) instanceof NotTlsException notTls) {
            return notTls.getMessage();
        }
        if (find(failure, TlsFatalAlertReceived.class) instanceof TlsFatalAlertReceived received) {
            return alertReceived(peer, received.getAlertDescription());
        }
        if (at.handshaking() && find(failure, SocketTimeoutException.class) != null) {
            return peer + " did not finish the TLS handshake in time";
        }
        if (at.handshaking() && at.peerEnded()) {
            // a plaintext hub says nothing to what is not its handshake, and closes: the likeliest cause, named
            return peer + " closed the connection during the TLS handshake"
                    + (at.side() == Side.CLIENT ? " (is its transport tls too?)" : "");
        }
        if (failure instanceof TlsFatalAlert && failure.getCause() instanceof EOFException) {
            // BouncyCastle parses a message from a buffer: running out of it means a length field promised more
            return (at.handshaking() ? "handshake failed: " : "protocol error: ") + message(failure)
                    + ": a message shorter than its length field says";
        }
        if (failure instanceof TlsFatalAlert && failure.getCause() != null) {
            return (at.handshaking() ? "handshake failed: " : "protocol error: ") + message(failure) + ": "
                    + message(failure.getCause());
        }
        if (find(failure, EOFException.class) != null) {
            return peer + " ended the connection in the middle of a TLS record";
        }
        if (failure instanceof TlsFatalAlert) {
            return (at.handshaking() ? "handshake failed: " : "protocol error: ") + message(failure);
        }
        return message(failure);
    }

    private static String message(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName()
                : failure.getMessage().lines().findFirst().orElse("").strip();
    }

    private static String alertReceived(String peer, short alert) {
        String what = switch (alert) {
            case AlertDescription.bad_certificate, AlertDescription.unsupported_certificate,
                    AlertDescription.certificate_revoked, AlertDescription.certificate_expired,
                    AlertDescription.certificate_unknown, AlertDescription.unknown_ca -> peer + " refused our certificate";
            case AlertDescription.certificate_required ->
                    peer + " requires a client certificate (set certificate and private-key)";
            case AlertDescription.unrecognized_name -> peer + " does not answer to the server name we sent";
            case AlertDescription.no_application_protocol -> "no common ALPN protocol with " + peer;
            case AlertDescription.protocol_version -> "no common TLS version with " + peer;
            case AlertDescription.handshake_failure, AlertDescription.insufficient_security ->
                    peer + " refused the handshake";
            default -> peer + " ended the connection";
        };
        return what + ": alert " + AlertDescription.getName(alert);
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
