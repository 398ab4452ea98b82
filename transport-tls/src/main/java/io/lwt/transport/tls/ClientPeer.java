package io.lwt.transport.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Vector;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;

/** The client end of a handshake: what it offers, how it checks the hub, the certificate it shows when asked. */
final class ClientPeer extends AbstractTlsClient {

    private final JdkTlsCrypto crypto;
    private final TlsSettings settings;
    private final ServerVerifier verifier;
    private final String expectedName;

    /** @param expectedName the name the hub's certificate must carry; also sent as SNI unless it is an IP address */
    ClientPeer(JdkTlsCrypto crypto, TlsSettings settings, ServerVerifier verifier, String expectedName) {
        super(crypto);
        this.crypto = crypto;
        this.settings = settings;
        this.verifier = verifier;
        this.expectedName = expectedName;
    }

    /** The session's exporter, taken as the handshake completes (the reader of the handshake only). */
    private byte[] exporter;

    Negotiated negotiated() {
        return Negotiated.of(context, null, exporter);
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        exporter = Negotiated.exporter(context);
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return settings.protocolVersions();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), Algorithms.clientSuites());
    }

    @Override
    protected Vector<ServerName> getSNIServerNames() {
        if (HostnameMatch.ipLiteral(expectedName) != null) {
            return null; // RFC 6066: SNI carries host names only
        }
        Vector<ServerName> names = new Vector<>();
        names.add(new ServerName(NameType.host_name, expectedName.getBytes(StandardCharsets.US_ASCII)));
        return names;
    }

    @Override
    protected Vector<ProtocolName> getProtocolNames() {
        if (settings.alpn().isEmpty()) {
            return null;
        }
        Vector<ProtocolName> names = new Vector<>();
        settings.alpn().forEach(name -> names.add(ProtocolName.asUtf8Encoding(name)));
        return names;
    }

    /** The tunnel frames its own messages, so a peer that closes without close_notify cannot truncate one unseen. */
    @Override
    public boolean requiresCloseNotify() {
        return false;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                verifier.verify(Algorithms.chain(serverCertificate.getCertificate()), expectedName);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                if (settings.credentials().isEmpty()) {
                    return null; // the hub then says whether it needs one
                }
                return Algorithms.signer(context, crypto, settings.credentials().get(),
                        request.getSupportedSignatureAlgorithms(), request.getCertificateRequestContext());
            }
        };
    }
}
