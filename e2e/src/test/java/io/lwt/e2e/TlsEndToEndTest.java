package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.cert.Certificates;
import io.lwt.cert.Credentials;
import io.lwt.cert.KeyType;
import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tls transport between network namespaces: certificates made with {@code lwt cert}, a pinned auto certificate,
 * CA and name checks, mutual TLS with identities from certificates, and each mistake reported in one line on both
 * sides while the other clients keep working.
 */
class TlsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HUB_NAME = "hub.lwt.test";

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void clientsPinTheHubsAutoCertificateAndOpensslSeesTls13WithAlpn() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(
                "transport: {tls: {certificate: auto, alpn: [h2, http/1.1]}}",
                "transport: {tls: {pin: PIN, alpn: [h2]}}");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob")) {
            Netns.Running hub = net.start("hub");
            String pin = TunnelNetwork.awaitPin(hub);
            assertFalse(hub.log().contains("does not encrypt"), "no plaintext warning for tls: " + hub.log());
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(net.directory().resolve("tls/tls.key"))));
            net.editTopology(yaml -> yaml.replace("PIN", pin));
            net.start("alice");
            net.start("bob");
            assertTrue(net.ping("alice", "bob").ok(), net.logs());
            net.assertTransfersIntact("alice", "bob", 16 << 20);

            // a TLS client nobody here wrote: openssl reports the version, cipher and ALPN the hub chose
            Netns.Result openssl = net.ns("alice").exec("sh", "-c",
                    "openssl s_client -connect 10.99.1.1:9000 -alpn h2 < /dev/null 2>&1");
            String report = openssl.output();
            assertTrue(report.contains("New, TLSv1.3, Cipher is TLS_"), report);
            assertTrue(report.contains("ALPN protocol: h2"), report);
            assertTrue(report.contains(pin.substring("sha256:".length(), 16)) || report.contains("CN=lwt")
                    || report.contains("CN = lwt"), "the auto certificate: " + report);
            System.out.println("openssl s_client: " + match("(New, TLSv1.3, Cipher is \\S+)", report));
            assertTrue(net.ping("bob", "alice").ok(), "the hub kept serving after openssl left: " + net.logs());
        }
    }

    @Test
    void aCaSignedHubIsCheckedByNameAndEachMistakeIsOneLineOnBothSides() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(
                "transport: {tls: {certificate: hub.crt, private-key: hub.key}}", "transport: TRANSPORT-%s");
        try (TunnelNetwork net = TunnelNetwork.create(options, "good", "badname", "otherca", "badpin", "plain")) {
            Path dir = net.directory();
            TunnelNetwork.lwt("cert", "create", "ca", "--authority", "--dir", dir.toString());
            TunnelNetwork.lwt("cert", "create", "hub", "--ca", "ca", "--san", HUB_NAME, "--dir", dir.toString());
            TunnelNetwork.lwt("cert", "create", "other", "--authority", "--dir", dir.toString());
            String wrongPin = "sha256:" + "ab".repeat(32);
            net.editTopology(yaml -> yaml
                    .replace("TRANSPORT-good", "{tls: {ca: ca.crt, server-name: " + HUB_NAME + "}}")
                    .replace("TRANSPORT-badname", "{tls: {ca: ca.crt, server-name: other.lwt.test}}")
                    .replace("TRANSPORT-otherca", "{tls: {ca: other.crt, server-name: " + HUB_NAME + "}}")
                    .replace("TRANSPORT-badpin", "{tls: {pin: '" + wrongPin + "'}}")
                    .replace("TRANSPORT-plain", "tcp"));
            Netns.Running hub = net.start("hub");
            net.start("good");

            Netns.Running badname = net.startWithoutWaiting("badname");
            String line = badname.awaitLine(l -> l.contains("tls: "), WAIT, "badname's line");
            assertTrue(line.contains("other.lwt.test") && line.contains(HUB_NAME), line);
            hubLine(hub, "10.99.2.2");

            Netns.Running otherca = net.startWithoutWaiting("otherca");
            line = otherca.awaitLine(l -> l.contains("tls: "), WAIT, "otherca's line");
            assertTrue(line.contains("CN=ca") || line.contains("CA"), line);
            hubLine(hub, "10.99.3.2");

            Netns.Running badpin = net.startWithoutWaiting("badpin");
            line = badpin.awaitLine(l -> l.contains("tls: "), WAIT, "badpin's line");
            assertTrue(line.contains(wrongPin), line);
            hubLine(hub, "10.99.4.2");

            Netns.Running plain = net.startWithoutWaiting("plain");
            line = plain.awaitLine(l -> l.contains("closed by peer during the handshake"), WAIT, "plain's line");
            hub.awaitLine(l -> l.contains("10.99.5.2") && l.contains("does not speak TLS"), WAIT, "the hub's line on plain");

            for (Netns.Running client : List.of(badname, otherca, badpin, plain)) {
                assertFalse(client.log().contains("\tat "), "no stack trace: " + client.log());
                assertFalse(client.log().contains("tunnel up"), client.log());
            }
            assertFalse(hub.log().contains("\tat "), "no stack trace on the hub: " + hub.log());
            assertTrue(net.ping("good", "hub").ok(), "the good client kept its session: " + net.logs());
        }
    }

    @Test
    void anExpiredHubCertificateIsNamedAndATlsClientOnAPlainHubToo() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(
                "transport: {tls: {certificate: expired.crt, private-key: expired.key}}",
                "transport: {tls: {ca: expired.crt, server-name: " + HUB_NAME + "}}");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice")) {
            Instant longAgo = Instant.parse("2020-01-01T00:00:00Z");
            Credentials expired = Certificates.create(HUB_NAME, List.of(HUB_NAME), Certificates.generateKeyPair(KeyType.EC),
                    null, longAgo, longAgo.plus(Duration.ofDays(30)), true);
            Certificates.write(expired, net.directory().resolve("expired.crt"), net.directory().resolve("expired.key"));
            Netns.Running hub = net.start("hub");
            Netns.Running alice = net.startWithoutWaiting("alice");
            String line = alice.awaitLine(l -> l.contains("tls: "), WAIT, "alice's line");
            assertTrue(line.contains("expired") && line.contains("2020-01-31"), line);
            hubLine(hub, "10.99.1.2");
            hub.terminate(WAIT);
            alice.terminate(WAIT);

            // the same client against a plaintext hub on the same port
            net.editTopology(yaml -> yaml.replace("transport: {tls: {certificate: expired.crt, private-key: expired.key}}",
                    "transport: tcp"));
            Netns.Running plainHub = net.start("hub");
            alice = net.startWithoutWaiting("alice");
            // the plaintext hub answers nothing that is not a session handshake: it closes, and alice names the likely cause
            alice.awaitLine(l -> l.contains("tls: ") && l.contains("(is its transport tls too?)"), WAIT, "alice's line");
            plainHub.awaitLine(l -> l.contains("10.99.1.2") && l.contains("TLS record"), WAIT, "the plain hub's line");
        }
    }

    @Test
    void mutualTlsNamesClientsByCertificateAndRefusesUnknownAndRevokedOnes() throws Exception {
        TunnelNetwork.Options options = TunnelNetwork.Options.defaults().nodeKeys(
                "transport: {tls: {certificate: certs/hub.crt, private-key: certs/hub.key, client-ca: certs/ca.crt, "
                        + "client-crl: certs/ca.crl}}",
                "transport: {tls: {ca: certs/ca.crt, server-name: " + HUB_NAME + ", certificate: certs/%s.crt, "
                        + "private-key: certs/%s.key}}");
        try (TunnelNetwork net = TunnelNetwork.create(options, "alice", "bob", "mallory", "carol")) {
            Path dir = Files.createDirectories(net.directory().resolve("certs")); // the pre-shared keys share the names
            TunnelNetwork.lwt("cert", "create", "ca", "--authority", "--dir", dir.toString());
            TunnelNetwork.lwt("cert", "create", "hub", "--ca", "ca", "--san", HUB_NAME, "--dir", dir.toString());
            for (String client : List.of("alice", "bob", "mallory", "carol")) {
                TunnelNetwork.lwt("cert", "create", client, "--ca", "ca", "--key-type", "ec", "--dir", dir.toString());
            }
            writeCrl(dir, "carol");
            // no keys: a certificate is the identity; mallory is no client of the hub and runs from a file of its own
            net.editTopology(yaml -> yaml.replaceAll("\n    key: file:(alice|bob|carol)\\.key", "")
                    .replaceAll("(?s)\n  mallory:.*?(?=\n  carol:)", ""));
            Path malloryFile = net.directory().resolve("mallory.yaml");
            Netns.Running hub = net.start("hub");
            net.start("alice");
            net.start("bob");
            assertTrue(net.ping("alice", "bob").ok(), net.logs());

            // a certificate the CA signed, of a name that is no client's: the hub answers nothing, mallory keeps trying
            Files.writeString(malloryFile, "name: mallory\nrole: client\nconnect: 10.99.3.1:9000\nhub-key: " + net.hubKey()
                    + "\ntransport: {tls: {ca: certs/ca.crt, server-name: " + HUB_NAME + ", certificate: certs/mallory.crt,"
                    + " private-key: certs/mallory.key}}\n");
            Netns.Running mallory = net.startWithoutWaiting("mallory", malloryFile);
            hub.awaitLine(l -> l.contains("closed: protocol error: initiation: from a static key that is no client's"),
                    WAIT, "the hub's line on mallory");
            mallory.awaitLine(l -> l.contains("reconnecting in"), WAIT, "mallory tries again");
            assertFalse(mallory.log().contains("tunnel up"), mallory.log());

            Netns.Running carol = net.startWithoutWaiting("carol");
            String line = carol.awaitLine(l -> l.contains("tls: "), WAIT, "carol's line");
            assertTrue(line.contains("revoked") || line.contains("certificate_revoked"), line);
            hub.awaitLine(l -> l.contains("10.99.4.2") && l.contains("revoked"), WAIT, "the hub's line on carol");

            Process status = new ProcessBuilder(TunnelNetwork.LWT.toString(), "status", "--json", "--socket",
                    net.control("hub").toString()).redirectErrorStream(true).start();
            String json = new String(status.getInputStream().readAllBytes());
            assertTrue(json.contains("\"identity\":\"alice\"") && json.contains("\"identity\":\"bob\""), json);
            assertFalse(json.contains("mallory") || json.contains("carol"), json);

            // bob revoked while connected: a reload (or the file's poll, whichever comes first) ends his session only
            writeCrl(dir, "carol", "bob");
            TunnelNetwork.lwt("reload", "--socket", net.control("hub").toString());
            String ended = hub.awaitLine(l -> l.contains("session bob " + net.address("bob") + " (") && l.contains(" closed: "),
                    WAIT, "the hub's line on bob's session");
            assertTrue(ended.contains("(CN=bob)") && ended.contains("is revoked by client-crl "), ended);
            assertTrue(net.ping("alice", "hub").ok(), "alice kept her session: " + net.logs());
        }
    }

    @Test
    void theOriginalProgramsTlsFlagsRunATlsTunnel() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice")) {
            Path dir = net.directory();
            TunnelNetwork.lwt("cert", "create", "server", "--key-type", "rsa", "--dir", dir.toString());
            Netns.Running hub = net.ns("hub").start(List.of(TunnelNetwork.LWT.toString(), "-m", "server", "-l",
                    "0.0.0.0:9000", "-t", "10.0.0.1/24", "-tls", "-tls-cert", dir.resolve("server.crt").toString(),
                    "-tls-key", dir.resolve("server.key").toString()), dir.resolve("legacy-hub.log"));
            hub.awaitLine(l -> l.contains("tunnel up"), WAIT, "legacy hub up");
            Netns.Running alice = net.ns("alice").start(List.of(TunnelNetwork.LWT.toString(), "-m", "client", "-r",
                    "10.99.1.1:9000", "-t", "10.0.0.2/24", "-tls", "-tls-skip-verify"), dir.resolve("legacy-alice.log"));
            alice.awaitLine(l -> l.contains("tunnel up"), WAIT, "legacy alice up");
            assertTrue(alice.log().contains("insecure-skip-verify"), "a loud warning: " + alice.log());
            Netns.Result ping = net.ns("alice").exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "10.0.0.1");
            assertTrue(ping.ok(), ping.output() + hub.log() + alice.log());
        }
    }

    /** The hub logged one line about the failed connection from this client address, naming tls. */
    private static void hubLine(Netns.Running hub, String clientAddress) throws InterruptedException {
        hub.awaitLine(l -> l.contains(clientAddress) && l.contains("tls: "), WAIT, "the hub's line on " + clientAddress);
    }

    /**
     * A CRL of the CA in {@code dir} revoking the clients' certificates, as {@code ca.crl}: written beside it and
     * renamed over it, so that a hub polling the file never reads half of it.
     */
    private static void writeCrl(Path dir, String... revoked) throws Exception {
        Credentials ca = Certificates.read(dir.resolve("ca.crt"), dir.resolve("ca.key"));
        Date now = new Date();
        X509v2CRLBuilder crl = new X509v2CRLBuilder(new JcaX509CertificateHolder(ca.leaf()).getSubject(), now);
        crl.setNextUpdate(new Date(now.getTime() + Duration.ofDays(7).toMillis()));
        for (String client : revoked) {
            BigInteger serial = Certificates.readCertificates(dir.resolve(client + ".crt")).getFirst().getSerialNumber();
            crl.addCRLEntry(serial, now, org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
        }
        var signed = new JcaX509CRLConverter().getCRL(crl.build(new JcaContentSignerBuilder("Ed25519").build(ca.key())));
        Path next = Files.writeString(dir.resolve("ca.crl.new"), "-----BEGIN X509 CRL-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(signed.getEncoded())
                + "\n-----END X509 CRL-----\n");
        Files.move(next, dir.resolve("ca.crl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String match(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return m.group(1);
    }
}
