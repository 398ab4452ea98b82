package io.lwt.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.NamedProvider;
import io.lwt.core.TunnelNode;
import io.lwt.testsupport.MemoryTun;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The Grafana dashboard in docs/grafana queries only metrics that a running hub exports, and imports anywhere. */
class DashboardTest {

    static final Path DASHBOARD = Path.of("../docs/grafana/lwt-dashboard.json");

    /** PromQL words that are neither functions (followed by a parenthesis) nor metric names. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @TempDir
    Path dir;

    @Test
    void everyQueryOfTheDashboardReadsAMetricTheHubExports() throws IOException {
        Set<String> exported = exportedByARunningHub();
        Map<String, Object> dashboard = dashboard();
        List<String> queries = new ArrayList<>();
        for (Map<String, Object> panel : list(dashboard.get("panels"))) {
            assertEquals(Map.of("type", "prometheus", "uid", "${DS_PROMETHEUS}"), panel.get("datasource"),
                    "panel " + panel.get("title") + " uses the datasource chosen at import");
            List<Map<String, Object>> targets = list(panel.get("targets"));
            assertFalse(targets.isEmpty(), "panel " + panel.get("title") + " queries something");
            targets.forEach(t -> queries.add((String) t.get("expr")));
        }
        Set<String> queried = new TreeSet<>();
        for (String query : queries) {
            Set<String> names = metricNames(query);
            assertFalse(names.isEmpty(), "no metric in " + query);
            queried.addAll(names);
        }
        for (Map<String, Object> variable : list(map(dashboard.get("templating")).get("list"))) {
            Matcher values = Pattern.compile("label_values\\((\\w+)").matcher((String) map(variable.get("query")).get("query"));
            assertTrue(values.find(), "variable " + variable.get("name") + " lists label values");
            queried.add(values.group(1));
        }
        Set<String> unknown = new TreeSet<>(queried);
        unknown.removeAll(exported);
        assertEquals(Set.of(), unknown, "queried but not exported; the hub exports " + exported);
        // what the dashboard is for: sessions, throughput per client, drops and handshake failures, RTT, send queues
        assertTrue(queried.containsAll(Set.of("lwt_sessions", "lwt_rx_bytes_total", "lwt_tx_bytes_total",
                "lwt_drops_total", "lwt_keepalive_rtt_seconds", "lwt_send_queue_packets")), queried.toString());
        assertTrue(queries.stream().anyMatch(q -> q.contains("lwt_drops_total") && q.contains("reason=~\"handshake-")),
                "a panel of handshake failures");
    }

    @Test
    void importsAsTemplateWithAPrometheusDatasourceInput() throws IOException {
        Map<String, Object> dashboard = dashboard();
        assertEquals(List.of("DS_PROMETHEUS"), list(dashboard.get("__inputs")).stream().map(i -> i.get("name")).toList());
        assertEquals("prometheus", list(dashboard.get("__inputs")).getFirst().get("pluginId"));
        assertEquals(null, dashboard.get("id"), "an id would tie it to one Grafana's database");
        for (Map<String, Object> variable : list(map(dashboard.get("templating")).get("list"))) {
            assertEquals("${DS_PROMETHEUS}", map(variable.get("datasource")).get("uid"));
        }
    }

    @Test
    void metricNamesAreFoundBesideFunctionsLabelsAndGrafanaVariables() {
        assertEquals(Set.of("lwt_drops_total"), metricNames("sum by (node, reason) (rate(lwt_drops_total{node=~\"$node\","
                + "reason=~\"handshake-.+\",reason!=\"x y\"}[$__rate_interval]))"));
        assertEquals(Set.of("a_total", "b"), metricNames("rate(a_total[5m]) * 8 / on (peer) group_left max(b)"));
    }

    /** The metric names in a PromQL query: identifiers outside strings, selectors, ranges and groupings, not calls. */
    static Set<String> metricNames(String query) {
        String bare = query.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            boolean call = bare.substring(m.end()).stripLeading().startsWith("(");
            boolean number = m.start() > 0 && Character.isDigit(bare.charAt(m.start() - 1)); // 8e3, 5m
            if (!call && !number && !KEYWORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** The metric families on a real hub's /metrics: one on loopback with an in-memory TUN device. */
    private Set<String> exportedByARunningHub() throws IOException {
        Topology topology = Topology.parse(YamlConfig.parse("""
                nodes:
                  hub: {role: hub, listen: "127.0.0.1:0", address: 10.0.0.1/24, tun: memory}
                """, "t.yaml"), dir);
        Topology.NodeDefinition hub = topology.nodes().get("hub");
        List<NamedProvider<?>> providers = new ArrayList<>(List.of(new MemoryTun()));
        for (Providers.Kind kind : Providers.Kind.values()) {
            providers.addAll(TopologyTest.BUILT_INS.all(kind).values());
        }
        try (TunnelNode node = NodePlugins.of(hub, Providers.of(providers)).start(hub);
                MetricsEndpoint metrics = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), node);
                InputStream scrape = URI.create("http://127.0.0.1:" + metrics.address().getPort() + "/metrics").toURL()
                        .openStream()) {
            String text = new String(scrape.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.split(" ")[2])
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Map<String, Object> dashboard() throws IOException {
        return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(DASHBOARD)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object json) {
        return (Map<String, Object>) json;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object json) {
        return (List<Map<String, Object>>) json;
    }
}
