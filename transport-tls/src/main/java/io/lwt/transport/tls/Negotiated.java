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
 */
record Negotiated(String version, String cipherSuite, Optional<String> alpn, Optional<String> peerIdentity) {

    static Negotiated of(TlsContext context, String peerIdentity) {
        SecurityParameters parameters = context.getSecurityParametersConnection();
        return new Negotiated(parameters.getNegotiatedVersion().getName(),
                Algorithms.suiteName(parameters.getCipherSuite()),
                Optional.ofNullable(parameters.getApplicationProtocol()).map(ProtocolName::getUtf8Decoding),
                Optional.ofNullable(peerIdentity));
    }

    @Override
    public String toString() {
        return version + " " + cipherSuite + alpn.map(a -> " alpn " + a).orElse("")
                + peerIdentity.map(i -> " peer " + i).orElse("");
    }
}
