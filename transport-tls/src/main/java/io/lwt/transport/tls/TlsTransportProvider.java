package io.lwt.transport.tls;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.transport.SocketBuffers;
import io.lwt.api.transport.Transport;
import io.lwt.api.transport.TransportProvider;
import io.lwt.cert.AutoCertificate;
import io.lwt.cert.Certificates;
import io.lwt.cert.Credentials;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.tls.ProtocolVersion;

/**
 * Transport {@code tls}: TCP with TLS 1.3 (1.2 if allowed). Keys, all optional:
 * <ul>
 * <li>{@code certificate}: {@code auto} (a self-signed Ed25519 certificate made on first start, kept in
 *     {@code store}) or a PEM chain file, leaf first, with {@code private-key}: its PEM key file</li>
 * <li>{@code store}: the directory of the {@code auto} certificate (default {@code tls} beside the YAML file)</li>
 * <li>{@code server-name}: client: the SNI and the name the hub's certificate must carry (default: the dialed host);
 *     hub: a client asking for another name is refused</li>
 * <li>client, exactly one of: {@code pin} (SHA-256 fingerprints of the hub's certificate), {@code ca} (a PEM CA
 *     file), {@code trust: system}, {@code insecure-skip-verify: true}</li>
 * <li>{@code alpn}: protocols a client offers and a hub accepts (and then requires)</li>
 * <li>{@code versions}: {@code [1.3]} (default), {@code [1.2, 1.3]} or {@code [1.2]}</li>
 * <li>hub: {@code client-ca} (require client certificates from this CA), {@code client-crl} (revoked ones: read
 *     again when the file changes and on reload, ending the connections of certificates it newly revokes; an expired
 *     CRL is still enforced as it is, with a warning, as OpenVPN's crl-verify does), {@code client-identity}
 *     ({@code cn} or {@code san})</li>
 * <li>{@code send-buffer}, {@code receive-buffer}: socket buffer sizes in bytes, as for {@code tcp}</li>
 * </ul>
 * Files are read and checked here, so a bad one fails at start-up with its key's location.
 */
public final class TlsTransportProvider implements TransportProvider {

    private static final System.Logger LOG = System.getLogger("io.lwt.transport.tls");
    private static final Set<String> KEYS = Stream.concat(Stream.of("certificate", "private-key", "store",
            "server-name", "pin", "ca", "trust", "insecure-skip-verify", "alpn", "versions", "client-ca", "client-crl",
            "client-identity"), SocketBuffers.KEYS.stream()).collect(Collectors.toUnmodifiableSet());
    private static final String AUTO = "auto";
    private static final String AUTO_COMMON_NAME = "lwt";

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public Transport create(Config config) {
        config.requireOnly(KEYS);
        Optional<Credentials> credentials = credentials(config);
        Optional<ServerVerifier> verifier = verifier(config);
        if (credentials.isEmpty() && verifier.isEmpty()) {
            throw new ConfigException(config.location(),
                    config.path() + ": set certificate (hub) or pin, ca or trust (client)");
        }
        SocketBuffers buffers = SocketBuffers.of(config);
        return new TlsTransport(new TlsSettings(credentials, serverName(config), verifier, alpn(config),
                versions(config), clientAuthority(config), buffers.send(), buffers.receive()));
    }

    private static Optional<Credentials> credentials(Config config) {
        Optional<String> certificate = config.string("certificate").map(String::strip);
        if (certificate.isEmpty()) {
            for (String key : List.of("private-key", "store")) {
                if (config.has(key)) {
                    throw config.error(key, "needs certificate");
                }
            }
            return Optional.empty();
        }
        if (certificate.get().equals(AUTO)) {
            if (config.has("private-key")) {
                throw config.error("private-key", "not with certificate: auto, which keeps its key in store");
            }
            Path store = config.file("store").orElseGet(() -> besideConfiguration(config, "tls"));
            AutoCertificate auto;
            try {
                auto = Certificates.loadOrCreate(store.resolve("tls.crt"), store.resolve("tls.key"), AUTO_COMMON_NAME);
            } catch (IOException | RuntimeException e) {
                throw config.error("certificate", "auto: " + e.getMessage());
            }
            String fingerprint = Certificates.fingerprint(auto.credentials().leaf());
            LOG.log(Level.INFO, "tls certificate {0} (clients pin it with pin: {0})", fingerprint);
            return Optional.of(auto.credentials());
        }
        if (config.has("store")) {
            throw config.error("store", "only with certificate: auto");
        }
        Path certificateFile = config.file("certificate").orElseThrow();
        Path keyFile = config.file("private-key").orElseThrow(
                () -> config.error("certificate", "a certificate file needs private-key: its key file"));
        try {
            return Optional.of(Certificates.read(certificateFile, keyFile));
        } catch (IOException e) {
            throw config.error("certificate", e.getMessage());
        }
    }

    private static Optional<ServerVerifier> verifier(Config config) {
        List<String> chosen = Stream.of("pin", "ca", "trust", "insecure-skip-verify")
                .filter(key -> config.has(key) && !(key.equals("insecure-skip-verify")
                        && !config.bool("insecure-skip-verify", false)))
                .toList();
        if (chosen.size() > 1) {
            throw config.error(chosen.get(1), "choose one of pin, ca, trust and insecure-skip-verify ("
                    + chosen.getFirst() + " is set too)");
        }
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(switch (chosen.getFirst()) {
            case "pin" -> pinned(config);
            case "ca" -> {
                Path file = config.file("ca").orElseThrow();
                yield new ServerVerifier.Authorities(anchors(readCertificates(config, "ca")), "ca " + file);
            }
            case "trust" -> {
                String trust = config.string("trust").orElseThrow().strip();
                if (!trust.equals("system")) {
                    throw config.error("trust", "expected system, got '" + trust + "'");
                }
                yield new ServerVerifier.Authorities(systemAnchors(config), "the system trust store");
            }
            default -> {
                LOG.log(Level.WARNING, "{0}: {1}: true: this client accepts any certificate, so anyone on the path"
                        + " to the hub can read and change the tunnel''s traffic; use pin or ca",
                        config.locationOf("insecure-skip-verify"), config.qualified("insecure-skip-verify"));
                yield new ServerVerifier.Insecure();
            }
        });
    }

    private static ServerVerifier pinned(Config config) {
        List<String> fingerprints = new ArrayList<>();
        for (String text : config.strings("pin")) {
            try {
                fingerprints.add("sha256:" + HexFormat.of().formatHex(Certificates.parseFingerprint(text)));
            } catch (IllegalArgumentException e) {
                throw config.error("pin", e.getMessage());
            }
        }
        if (fingerprints.isEmpty()) {
            throw config.error("pin", "needs a fingerprint: sha256: and 64 hex digits");
        }
        return new ServerVerifier.Pinned(fingerprints);
    }

    private static Optional<String> serverName(Config config) {
        Optional<String> name = config.string("server-name").map(String::strip);
        if (name.isPresent() && (name.get().isEmpty() || !name.get().chars().allMatch(c -> c > ' ' && c < 127))) {
            throw config.error("server-name", "expected a host name or IP address, got '" + name.get() + "'");
        }
        return name;
    }

    private static List<String> alpn(Config config) {
        List<String> protocols = config.strings("alpn").stream().map(String::strip).toList();
        for (String protocol : protocols) {
            if (protocol.isEmpty() || protocol.length() > 255 || !StandardCharsets.US_ASCII.newEncoder().canEncode(protocol)) {
                throw config.error("alpn", "'" + protocol + "' is not a protocol name (1-255 ASCII characters)");
            }
        }
        return protocols;
    }

    private static List<ProtocolVersion> versions(Config config) {
        List<String> texts = config.has("versions") ? config.strings("versions") : List.of("1.3");
        Set<String> chosen = texts.stream().map(String::strip).collect(Collectors.toSet());
        if (chosen.isEmpty()) {
            throw config.error("versions", "needs at least one of 1.2 and 1.3");
        }
        for (String version : chosen) {
            if (!version.equals("1.2") && !version.equals("1.3")) {
                throw config.error("versions", "expected 1.2 or 1.3, got '" + version + "'");
            }
        }
        List<ProtocolVersion> versions = new ArrayList<>();
        if (chosen.contains("1.3")) {
            versions.add(ProtocolVersion.TLSv13);
        }
        if (chosen.contains("1.2")) {
            versions.add(ProtocolVersion.TLSv12);
        }
        return versions;
    }

    private static Optional<ClientAuthority> clientAuthority(Config config) {
        if (!config.has("client-ca")) {
            for (String key : List.of("client-crl", "client-identity")) {
                if (config.has(key)) {
                    throw config.error(key, "needs client-ca");
                }
            }
            return Optional.empty();
        }
        String identity = config.string("client-identity", "cn").strip().toLowerCase(Locale.ROOT);
        ClientAuthority.IdentityFrom from = switch (identity) {
            case "cn" -> ClientAuthority.IdentityFrom.CN;
            case "san" -> ClientAuthority.IdentityFrom.SAN;
            default -> throw config.error("client-identity", "expected cn or san, got '" + identity + "'");
        };
        List<X509Certificate> authorities = readCertificates(config, "client-ca");
        Optional<RevocationList> revocations = config.has("client-crl") ? Optional.of(readCrls(config, "client-crl"))
                : Optional.empty();
        return Optional.of(new ClientAuthority(authorities, revocations, from,
                "client-ca " + config.file("client-ca").orElseThrow()));
    }

    private static List<X509Certificate> readCertificates(Config config, String key) {
        try {
            return Certificates.readCertificates(config.file(key).orElseThrow());
        } catch (IOException e) {
            throw config.error(key, e.getMessage());
        }
    }

    private static RevocationList readCrls(Config config, String key) {
        try {
            return RevocationList.read(config.file(key).orElseThrow());
        } catch (IOException e) {
            throw config.error(key, e.getMessage());
        }
    }

    private static Set<TrustAnchor> anchors(List<X509Certificate> certificates) {
        return certificates.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
    }

    private static Set<TrustAnchor> systemAnchors(Config config) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509 && x509.getAcceptedIssuers().length > 0) {
                    return anchors(List.of(x509.getAcceptedIssuers()));
                }
            }
        } catch (GeneralSecurityException e) {
            throw config.error("trust", "cannot read the system trust store: " + e.getMessage());
        }
        throw config.error("trust", "the system trust store is empty");
    }

    /** A path beside the file this section came from, as {@link Config#file} resolves relative paths. */
    private static Path besideConfiguration(Config config, String name) {
        Path parent = Path.of(config.location().source()).toAbsolutePath().getParent();
        return parent == null ? Path.of(name).toAbsolutePath() : parent.resolve(name);
    }
}
