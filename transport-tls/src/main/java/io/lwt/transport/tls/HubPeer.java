package io.lwt.transport.tls;

import io.lwt.cert.Credentials;
import io.lwt.api.Printable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Vector;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;

/**
 * The hub end of a handshake: its certificate, which SNI and ALPN it answers, and, with {@code client-ca}, the client
 * certificate it requires and the identity it takes from it. Each refusal names its cause (see {@link Refusal}).
 */
final class HubPeer extends AbstractTlsServer {

    private final JdkTlsCrypto crypto;
    private final TlsSettings settings;
    private final Credentials credentials;
    private final ClientTrust clients;
    private String clientIdentity;
    /** The client's chain as it sent it, published before it is checked (see {@link ClientTrust}). */
    private volatile List<X509Certificate> clientChain;
    /** The session's exporter, taken as the handshake completes (the reader of the handshake only). */
    private byte[] exporter;

    HubPeer(JdkTlsCrypto crypto, TlsSettings settings, Credentials credentials, ClientTrust clients) {
        super(crypto);
        this.crypto = crypto;
        this.settings = settings;
        this.credentials = credentials;
        this.clients = clients;
    }

    /** After the handshake, on its thread. */
    Negotiated negotiated() {
        return Negotiated.of(context, clientIdentity, exporter);
    }

    /** The client's certificate chain, leaf first, once it sent one; else {@code null}. */
    List<X509Certificate> clientChain() {
        return clientChain;
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
        return TlsUtils.getSupportedCipherSuites(getCrypto(), Algorithms.serverSuites(credentials.key()));
    }

    @Override
    public boolean requiresCloseNotify() {
        return false;
    }

    @Override
    public ProtocolVersion getServerVersion() throws IOException {
        try {
            return super.getServerVersion();
        } catch (TlsFatalAlert e) {
            throw new Refusal(AlertDescription.protocol_version, "no common TLS version: the client offers "
                    + offered(context.getClientSupportedVersions()) + ", this hub allows "
                    + TlsSettings.describe(getProtocolVersions()) + " (versions)");
        }
    }

    @Override
    @SuppressWarnings("rawtypes") // BouncyCastle's signature
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions); // selects the ALPN protocol, see selectProtocolName()
        if (!settings.alpn().isEmpty() && selectedProtocolName == null) {
            throw new Refusal(AlertDescription.no_application_protocol, "the client offers no ALPN protocol,"
                    + " this hub requires one of " + String.join(", ", settings.alpn()) + " (alpn)");
        }
        if (settings.serverName().isPresent() && clientExtensions != null) {
            String expected = settings.serverName().get();
            Vector<?> names = TlsExtensionsUtils.getServerNameExtensionClient(clientExtensions);
            for (Object entry : names == null ? List.of() : names) {
                ServerName name = (ServerName) entry;
                String asked = new String(name.getNameData(), StandardCharsets.US_ASCII);
                if (name.getNameType() == NameType.host_name && !asked.equalsIgnoreCase(expected)) {
                    throw new Refusal(AlertDescription.unrecognized_name, "the client asked for server name '"
                            + Printable.of(asked) + "', this hub is '" + expected + "' (server-name)");
                }
            }
        }
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

    @Override
    protected ProtocolName selectProtocolName() throws IOException {
        Vector<ProtocolName> ours = getProtocolNames();
        if (ours == null) {
            return null;
        }
        ProtocolName chosen = selectProtocolName(clientProtocolNames, ours);
        if (chosen == null) {
            throw new Refusal(AlertDescription.no_application_protocol, "no common ALPN protocol: the client offers "
                    + describe(clientProtocolNames) + ", this hub accepts " + String.join(", ", settings.alpn())
                    + " (alpn)");
        }
        return chosen;
    }

    /** The client's first preference that the hub accepts. */
    @Override
    @SuppressWarnings("rawtypes") // BouncyCastle's signature
    protected ProtocolName selectProtocolName(Vector clientNames, Vector serverNames) {
        for (Object name : clientNames) {
            if (serverNames.contains(name)) {
                return (ProtocolName) name;
            }
        }
        return null;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        return Algorithms.signer(context, crypto, credentials,
                context.getSecurityParametersHandshake().getClientSigAlgs(), TlsUtils.EMPTY_BYTES);
    }

    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
        Optional<ClientAuthority> authority = clients.current();
        if (authority.isEmpty()) {
            return null;
        }
        Vector<X500Name> authorities = new Vector<>();
        for (X509Certificate certificate : authority.get().authorities()) {
            authorities.add(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()));
        }
        Vector<?> signatureAlgorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        return TlsUtils.isTLSv13(context)
                ? new CertificateRequest(TlsUtils.EMPTY_BYTES, signatureAlgorithms, null, authorities)
                : new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                        signatureAlgorithms, authorities);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw new Refusal(TlsUtils.isTLSv13(context) ? AlertDescription.certificate_required
                    : AlertDescription.handshake_failure, "the client sent no certificate (client-ca requires one)");
        }
        List<X509Certificate> chain = Algorithms.chain(clientCertificate);
        clientChain = chain; // before the authority is read: see ClientTrust
        ClientAuthority authority = clients.current().orElseThrow(
                () -> new TlsFatalAlert(AlertDescription.internal_error));
        clientIdentity = authority.identify(chain);
    }

    /** Without supported_versions a client offers its version and every older one: name only the useful ones. */
    private static String offered(ProtocolVersion[] versions) {
        ProtocolVersion[] current = Arrays.stream(versions)
                .filter(v -> v.isEqualOrLaterVersionOf(ProtocolVersion.TLSv12)).toArray(ProtocolVersion[]::new);
        return current.length > 0 ? TlsSettings.describe(current)
                : "nothing newer than " + ProtocolVersion.getLatestTLS(versions).getName();
    }

    private static String describe(Vector<?> names) {
        if (names == null || names.isEmpty()) {
            return "none";
        }
        return names.stream().map(n -> ((ProtocolName) n).getUtf8Decoding()).collect(Collectors.joining(", "));
    }
}
