package io.lwt.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.Config.Location;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.api.cluster.ClusterStore;
import io.lwt.api.cluster.ClusterStoreProvider;
import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code etcd} section: defaults, and each invalid setting as a one-line error located where it was written. */
class EtcdClusterStoreProviderTest {

    private static final String FILE = "hub.yaml";
    private final EtcdClusterStoreProvider provider = new EtcdClusterStoreProvider();

    @Test
    void isTheProviderNamedEtcdThatTheModuleDeclares() {
        assertEquals("etcd", provider.name());
        ModuleDescriptor module = EtcdClusterStoreProvider.class.getModule().getDescriptor();
        assertTrue(module.provides().stream().anyMatch(p -> p.service().equals(ClusterStoreProvider.class.getName())
                && p.providers().equals(List.of(EtcdClusterStoreProvider.class.getName()))), module.toString());
    }

    @Test
    void needsOnlyEndpointsAndConnectsToNothing() {
        // port 1 on loopback has no etcd: creating the store must not notice
        try (ClusterStore store = provider.create(section(s -> s.put("endpoints", scalar("http://127.0.0.1:1", 2))))) {
            assertEquals("etcd store /lwt/ on [http://127.0.0.1:1] (timeout 2s)", store.toString());
        }
    }

    @Test
    void takesAListOfEndpointsAPrefixAndATimeout() {
        try (ClusterStore store = provider.create(section(s -> s
                .put("endpoints", new ConfigValue.Sequence(List.of(scalar("http://127.0.0.1:2379", 3),
                        scalar("https://etcd-2.example:2379/", 4)), at(2)))
                .put("prefix", scalar("/networks/office/", 5))
                .put("timeout", scalar("750ms", 6))
                .put("tls", Config.builder("cluster.etcd.tls", at(7)).build())))) {
            assertEquals("etcd store /networks/office/ on [http://127.0.0.1:2379, https://etcd-2.example:2379] "
                    + "(timeout 750ms)", store.toString());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "ftp://127.0.0.1:2379       | expected http://host:port or https://host:port, got 'ftp://127.0.0.1:2379'",
        "127.0.0.1:2379             | expected http://host:port or https://host:port, got '127.0.0.1:2379'",
        "http://127.0.0.1           | expected a port 1..65535 in 'http://127.0.0.1'",
        "http://127.0.0.1:70000     | expected a port 1..65535 in 'http://127.0.0.1:70000'",
        "http://127.0.0.1:2379/v3   | expected http://host:port or https://host:port, got 'http://127.0.0.1:2379/v3'",
        "http://u@127.0.0.1:2379    | expected http://host:port or https://host:port, got 'http://u@127.0.0.1:2379'",
        "http://127.0.0.1:2379?a=b  | expected http://host:port or https://host:port, got 'http://127.0.0.1:2379?a=b'",
        "http://[::1:2379           | expected http://host:port or https://host:port, got 'http://[::1:2379'",
    })
    void rejectsAnEndpointThatIsNotHttpHostPortAtItsOwnLine(String url, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> provider.create(section(s -> s.put("endpoints",
                new ConfigValue.Sequence(List.of(scalar("http://127.0.0.1:2379", 3), scalar(url, 4)), at(2))))));
        assertEquals(FILE + ":4:7: cluster.etcd.endpoints: " + reason, e.getMessage());
    }

    @Test
    void rejectsAnEndpointListedTwice() {
        ConfigException e = assertThrows(ConfigException.class, () -> provider.create(section(s -> s.put("endpoints",
                new ConfigValue.Sequence(
                        List.of(scalar("http://127.0.0.1:2379", 3), scalar("http://127.0.0.1:2379/", 4)), at(2))))));
        assertEquals(FILE + ":4:7: cluster.etcd.endpoints: http://127.0.0.1:2379 is listed twice", e.getMessage());
    }

    @Test
    void rejectsMissingOrEmptyEndpoints() {
        assertEquals(FILE + ":1:3: cluster.etcd.endpoints: missing", assertThrows(ConfigException.class,
                () -> provider.create(section(s -> s.put("prefix", scalar("/x/", 2))))).getMessage());
        assertEquals(FILE + ":2:7: cluster.etcd.endpoints: expected at least one URL",
                assertThrows(ConfigException.class, () -> provider.create(
                        section(s -> s.put("endpoints", new ConfigValue.Sequence(List.of(), at(2)))))).getMessage());
    }

    @Test
    void rejectsAnUnknownKeySuggestingTheKnownOne() {
        ConfigException e = assertThrows(ConfigException.class, () -> provider.create(section(s -> s
                .put("endpoints", scalar("http://127.0.0.1:2379", 2))
                .put("timout", scalar("1s", 3)))));
        assertEquals(FILE + ":3:7: cluster.etcd.timout: unknown key (did you mean 'timeout'?)", e.getMessage());
    }

    @Test
    void rejectsABadTimeout() {
        assertEquals(FILE + ":3:7: cluster.etcd.timeout: expected a duration such as 500ms, 10s or 2m, got 'soon'",
                assertThrows(ConfigException.class, () -> provider.create(withEndpoint("timeout", scalar("soon", 3))))
                        .getMessage());
        assertEquals(FILE + ":3:7: cluster.etcd.timeout: must be more than 0",
                assertThrows(ConfigException.class, () -> provider.create(withEndpoint("timeout", scalar("0ms", 3))))
                        .getMessage());
    }

    @Test
    void rejectsTlsWithoutAnHttpsEndpointAndUnknownTlsKeys() {
        Config empty = Config.builder("cluster.etcd.tls", at(3)).build();
        assertEquals(FILE + ":3:7: cluster.etcd.tls: no endpoint is https", assertThrows(ConfigException.class,
                () -> provider.create(section(s -> s.put("endpoints", scalar("http://127.0.0.1:2379", 2))
                        .put("tls", empty)))).getMessage());
        Config tls = Config.builder("cluster.etcd.tls", at(3)).put("private_key", scalar("client.key", 4)).build();
        assertEquals(FILE + ":4:7: cluster.etcd.tls.private_key: unknown key (did you mean 'private-key'?)",
                assertThrows(ConfigException.class, () -> provider.create(withEndpoint("tls", tls))).getMessage());
    }

    @Test
    void rejectsACertificateWithoutItsKeyAndAMissingFile() {
        Config certificateOnly = Config.builder("cluster.etcd.tls", at(3))
                .put("certificate", scalar("/nonexistent/client.pem", 4)).build();
        assertEquals(FILE + ":3:7: cluster.etcd.tls.private-key: missing",
                assertThrows(ConfigException.class, () -> provider.create(withEndpoint("tls", certificateOnly)))
                        .getMessage());
        Config missingCa =
                Config.builder("cluster.etcd.tls", at(3)).put("ca", scalar("/nonexistent/ca.pem", 4)).build();
        assertEquals(FILE + ":4:7: cluster.etcd.tls.ca: no such file: /nonexistent/ca.pem",
                assertThrows(ConfigException.class, () -> provider.create(withEndpoint("tls", missingCa)))
                        .getMessage());
    }

    @Test
    void rejectsEndpointsGivenAsAMapping() {
        Config mapping = Config.builder("cluster.etcd.endpoints", at(2)).put("a", scalar("http://h:1", 3)).build();
        assertEquals(FILE + ":2:7: cluster.etcd.endpoints: expected a URL or a list of URLs",
                assertThrows(ConfigException.class, () -> provider.create(section(s -> s.put("endpoints", mapping))))
                        .getMessage());
    }

    /** The section with one https endpoint and {@code key}. */
    private static Config withEndpoint(String key, ConfigValue value) {
        return section(s -> s.put("endpoints", scalar("https://127.0.0.1:2379", 2)).put(key, value));
    }

    private static Config section(UnaryOperator<Config.Builder> entries) {
        return entries.apply(Config.builder("cluster.etcd", new Location(FILE, 1, 3))).build();
    }

    private static ConfigValue.Scalar scalar(String text, int line) {
        return new ConfigValue.Scalar(text, at(line));
    }

    private static Location at(int line) {
        return new Location(FILE, line, 7);
    }
}
