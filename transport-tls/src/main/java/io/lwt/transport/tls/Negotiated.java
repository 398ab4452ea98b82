package io.lwt.transport.tls;

import java.util.Optional;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsContext;

/**
 * What a finished handshake agreed on.
 *
 * @param version e.g. "TLS 1.3"
 * @param cipherSuite e.g. "TLS_AES_128_GCM_SHA256"
 * @param alpn the application protocol, if one was negotiated
 * @param peerIdentity hub with mutual TLS: the client's identity from its certificate
 * @param exporter 32 bytes of the TLS exporter (RFC 8446 section 7.5, RFC 5705 before TLS 1.3) under the label
 *     {@value #EXPORTER_LABEL}: the same at both ends of this session and no other, the session handshake's binding
 */
record Negotiated(String version, String cipherSuite, Optional<String> alpn, Optional<String> peerIdentity,
        byte[] exporter) {

    static final String EXPORTER_LABEL = "EXPORTER-lwt-session-handshake";

    /** @param exporter what {@link #exporter(TlsContext)} gave as the handshake completed */
    static Negotiated of(TlsContext context, String peerIdentity, byte[] exporter) {
        SecurityParameters parameters = context.getSecurityParametersConnection();
        return new Negotiated(parameters.getNegotiatedVersion().getName(),
                Algorithms.suiteName(parameters.getCipherSuite()),
                Optional.ofNullable(parameters.getApplicationProtocol()).map(ProtocolName::getUtf8Decoding),
                Optional.ofNullable(peerIdentity), exporter);
    }

    /** The exporter, which BouncyCastle gives only while it notifies a peer that the handshake is complete. */
    static byte[] exporter(TlsContext context) {
        return context.exportKeyingMaterial(EXPORTER_LABEL, null, 32);
    }

    @Override
    public String toString() {
        return version + " " + cipherSuite + alpn.map(a -> " alpn " + a).orElse("")
                + peerIdentity.map(i -> " peer " + i).orElse("");
    }
}
