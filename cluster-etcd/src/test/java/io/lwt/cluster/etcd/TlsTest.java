package io.lwt.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.api.cluster.ClusterStore;
import io.lwt.api.cluster.Watch;
import io.lwt.testsupport.E2e;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tls} settings against a real etcd that serves HTTPS and asks for client certificates: certificates made
 * with openssl for the test (an EC CA and server, an RSA client), and the PEM mistakes users make.
 */
class TlsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path dir;
    private static Process etcd;
    private static String endpoint;

    @BeforeAll
    static void startEtcdWithTls() throws Exception {
        E2e.requireTool("openssl", "openssl");
        E2e.requireTool("etcd", "etcd-server");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc",
                "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=lwt-test-ca", "-days", "2");
        signed("server", "ec", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
        signed("client", "rsa", "extendedKeyUsage=clientAuth\n");
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "traditional-ec.key");
        int[] ports = freePorts();
        endpoint = "https://127.0.0.1:" + ports[0];
        String peer = "http://127.0.0.1:" + ports[1];
        etcd = new ProcessBuilder("etcd", "--name", "tls", "--data-dir", dir.resolve("tls.etcd").toString(),
                "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "tls=" + peer,
                "--cert-file", file("server.pem"), "--key-file", file("server.key"),
                "--client-cert-auth", "--trusted-ca-file", file("ca.pem"), "--logger", "zap", "--log-outputs", "stderr")
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        try (ClusterStore store = store("ca.pem", "client.pem", "client.key")) {
            Stores.eventually(WAIT, () -> store.get("ready"));
        }
    }

    @AfterAll
    static void stopEtcd() throws InterruptedException {
        if (etcd != null) {
            etcd.destroyForcibly();
            etcd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withTheCaAndAClientCertificateTheStoreWorksOverHttps() throws Exception {
        WatchRecorder recorder = new WatchRecorder();
        try (ClusterStore store = store("ca.pem", "client.pem", "client.key");
                Watch ignored = store.watch("w/", recorder)) {
            recorder.await("reset {}", WAIT);
            store.put("w/a", "1", null);
            assertEquals("1", store.get("w/a"));
            recorder.await("w/a=1", WAIT);
        }
    }

    @Test
    void etcdRefusesAStoreWithoutAClientCertificate() {
        try (ClusterStore store = store("ca.pem", null, null)) {
            IOException e = assertThrows(IOException.class, () -> store.get("a"));
            assertTrue(e.getMessage().startsWith("etcd unreachable: " + endpoint + ": "), e.getMessage());
        }
    }

    @Test
    void aStoreWithoutTheCaDoesNotTrustEtcd() {
        try (ClusterStore store = store(null, "client.pem", "client.key")) {
            IOException e = assertThrows(IOException.class, () -> store.get("a"));
            assertTrue(e.getMessage().startsWith("etcd unreachable: " + endpoint + ": ")
                    && e.getMessage().contains("certification path"), e.getMessage());
        }
    }

    @Test
    void readsAnEcKeyAndRejectsAKeyOfAnotherCertificate() throws IOException {
        assertEquals("EC", Pem.privateKey(dir.resolve("server.key")).getAlgorithm());
        assertEquals("RSA", Pem.privateKey(dir.resolve("client.key")).getAlgorithm());
        ConfigException e = assertThrows(ConfigException.class, () -> store("ca.pem", "client.pem", "server.key"));
        assertEquals(dir.resolve("test.yaml") + ":3:1: cluster.etcd.tls.private-key: does not match the key of "
                + dir.resolve("client.pem"), e.getMessage());
    }

    @Test
    void namesWhatAPemFileLacks() throws IOException {
        Path traditional = dir.resolve("traditional-ec.key");
        assertEquals(traditional + ": '-----BEGIN EC PRIVATE KEY-----' is not an unencrypted PKCS#8 key; convert it "
                + "with 'openssl pkcs8 -topk8 -nocrypt -in " + traditional + "'",
                assertThrows(IOException.class, () -> Pem.privateKey(traditional)).getMessage());
        Path text = Files.writeString(dir.resolve("not.pem"), "hello\n");
        assertEquals("no '-----BEGIN PRIVATE KEY-----' block in " + text,
                assertThrows(IOException.class, () -> Pem.privateKey(text)).getMessage());
        assertTrue(assertThrows(IOException.class, () -> Pem.certificates(text)).getMessage()
                .startsWith("no valid PEM certificate in " + text), "garbage");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertEquals("no PEM certificate in " + empty,
                assertThrows(IOException.class, () -> Pem.certificates(empty)).getMessage());
    }

    /** A store on the TLS etcd, its files named relative to the configuration file, as users do. */
    private static ClusterStore store(String ca, String certificate, String privateKey) {
        Config.Location yaml = new Config.Location(dir.resolve("test.yaml").toString(), 2, 1);
        Config.Builder tls = Config.builder("cluster.etcd.tls", yaml);
        if (ca != null) {
            tls.put(TlsSettings.CA, ca);
        }
        if (certificate != null) {
            tls.put(TlsSettings.CERTIFICATE, certificate);
            tls.put(TlsSettings.PRIVATE_KEY, new ConfigValue.Scalar(privateKey,
                    new Config.Location(yaml.source(), 3, 1)));
        }
        return new EtcdClusterStoreProvider().create(Config.builder("cluster.etcd", yaml)
                .put("endpoints", endpoint).put("prefix", "/lwt-test/tls/").put("tls", tls.build()).build());
    }

    /** A key pair of {@code algorithm} and its certificate, signed by the test CA with {@code extensions}. */
    private static void signed(String name, String algorithm, String extensions) throws Exception {
        List<String> newKey = algorithm.equals("ec")
                ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1") : List.of("-newkey", "rsa:2048");
        List<String> request = new ArrayList<>(List.of("req"));
        request.addAll(newKey);
        request.addAll(List.of("-noenc", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name));
        openssl(request.toArray(String[]::new));
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, command + ": " + output);
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }
}
