package io.lwt.cluster.etcd;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.api.cluster.ClusterStore;
import io.lwt.api.cluster.ClusterStoreProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Cluster store {@code etcd}. Keys: {@code endpoints}, the members' client URLs, one or a list, each
 * {@code http://host:port} or {@code https://host:port} (required); {@code prefix}, the etcd key prefix that every key
 * of the network is under (default {@code /lwt/}); {@code timeout}, how long one request may take before the next
 * member is tried (default 2s); {@code tls}, the certificates for https endpoints ({@link TlsSettings}). Creating a
 * store validates these and reads the certificates; it reaches etcd at its first call.
 */
public final class EtcdClusterStoreProvider implements ClusterStoreProvider {

    private static final String ENDPOINTS = "endpoints";
    private static final String PREFIX = "prefix";
    private static final String TIMEOUT = "timeout";
    private static final String TLS = "tls";
    private static final Set<String> KEYS = Set.of(ENDPOINTS, PREFIX, TIMEOUT, TLS);
    static final String DEFAULT_PREFIX = "/lwt/";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public ClusterStore create(Config config) {
        config.requireOnly(KEYS);
        List<URI> endpoints = endpoints(config);
        Duration timeout = config.duration(TIMEOUT, DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            throw config.error(TIMEOUT, "must be more than 0");
        }
        SSLContext tls = config.section(TLS).map(TlsSettings::context).orElse(null);
        if (tls != null && endpoints.stream().noneMatch(endpoint -> endpoint.getScheme().equals("https"))) {
            throw config.error(TLS, "no endpoint is https");
        }
        return new EtcdClusterStore(new EtcdClient(endpoints, timeout, tls),
                new KeySpace(config.string(PREFIX, DEFAULT_PREFIX)));
    }

    /** One URL or a list of them; an error names the item's own line and column. */
    private static List<URI> endpoints(Config config) {
        ConfigValue value = config.value(ENDPOINTS).orElseThrow(() -> config.missing(ENDPOINTS));
        List<ConfigValue> items = switch (value) {
            case ConfigValue.Scalar scalar -> List.of(scalar);
            case ConfigValue.Sequence(List<ConfigValue> list, Config.Location ignored) -> list;
            case Config section -> throw config.error(ENDPOINTS, "expected a URL or a list of URLs");
        };
        if (items.isEmpty()) {
            throw config.error(ENDPOINTS, "expected at least one URL");
        }
        List<URI> endpoints = new ArrayList<>();
        for (ConfigValue item : items) {
            if (!(item instanceof ConfigValue.Scalar(String text, Config.Location at)) || text == null) {
                throw new ConfigException(item.location(), config.qualified(ENDPOINTS) + ": expected a URL");
            }
            URI endpoint;
            try {
                endpoint = endpoint(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at, config.qualified(ENDPOINTS) + ": " + e.getMessage());
            }
            if (endpoints.contains(endpoint)) {
                throw new ConfigException(at, config.qualified(ENDPOINTS) + ": " + endpoint + " is listed twice");
            }
            endpoints.add(endpoint);
        }
        return List.copyOf(endpoints);
    }

    /** {@code http://host:port} or {@code https://host:port}, with no path (a lone "/" aside), query or user. */
    private static URI endpoint(String text) {
        String expected = "expected http://host:port or https://host:port, got '" + text + "'";
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected);
        }
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        boolean bare = uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"));
        if (!web || uri.getHost() == null || !bare) {
            throw new IllegalArgumentException(expected);
        }
        if (uri.getPort() < 1 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("expected a port 1..65535 in '" + text + "'");
        }
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
    }
}
