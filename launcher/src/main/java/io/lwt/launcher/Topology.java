package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.api.IpPrefix;
import io.lwt.api.tun.TunOptions;
import io.lwt.core.ClientSpec;
import io.lwt.core.HubSpec;
import io.lwt.core.SessionSettings;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A topology file: one node, or named nodes under {@code nodes:} that inherit {@code defaults:}. Parsing checks
 * everything a node needs except what only a running system can tell (devices, sockets).
 */
record Topology(Map<String, NodeDefinition> nodes) {

    static final int DEFAULT_MTU = 1400;
    static final int DEFAULT_PORT = 9000;

    private static final Set<String> COMMON = Set.of("role", "address", "mtu", "device", "keepalive", "timeout",
            "send-queue", "tun", "transport", "codec");
    private static final Set<String> HUB_ONLY = Set.of("listen", "max-clients", "routing");
    private static final Set<String> CLIENT_ONLY = Set.of("connect");
    private static final Set<String> ALL = union(COMMON, HUB_ONLY, CLIENT_ONLY);

    /** A hub or a client: its core spec and the plugins it uses. */
    record NodeDefinition(String name, Object spec, Selection tun, Selection transport, Selection codec,
            Selection routing) {

        boolean isHub() {
            return spec instanceof HubSpec;
        }
    }

    static Topology parse(Config root) {
        if (!root.has("nodes")) {
            root.requireOnly(union(ALL, Set.of("name")));
            String name = root.string("name", root.string("role", "node"));
            return new Topology(Map.of(name, node(name, root)));
        }
        root.requireOnly(Set.of("defaults", "nodes"));
        Config defaults = root.section("defaults").orElse(Config.empty("defaults", root.location()));
        defaults.requireOnly(ALL);
        Config nodes = root.section("nodes").orElseThrow();
        if (nodes.keys().isEmpty()) {
            throw new ConfigException(nodes.location(), "nodes: no nodes are defined");
        }
        Map<String, NodeDefinition> parsed = new LinkedHashMap<>();
        for (String name : nodes.keys()) {
            Config node = nodes.section(name)
                    .orElseThrow(() -> nodes.error(name, "expected the node's settings"));
            parsed.put(name, node(name, inherit(defaults, node)));
        }
        return new Topology(parsed);
    }

    /** The node's own keys over the defaults that apply to its role; each value keeps its own location. */
    private static Config inherit(Config defaults, Config node) {
        Set<String> applicable = roleKeys(node.string("role", ""));
        Config.Builder merged = Config.builder(node.path(), node.location());
        for (String key : defaults.keys()) {
            if (applicable.contains(key) && !node.has(key)) {
                merged.put(key, defaults.value(key).orElseThrow());
            }
        }
        for (String key : node.keys()) {
            merged.put(key, node.value(key).orElseThrow());
        }
        return merged.build();
    }

    private static Set<String> roleKeys(String role) {
        return switch (role) {
            case "hub" -> union(COMMON, HUB_ONLY);
            case "client" -> union(COMMON, CLIENT_ONLY);
            default -> ALL;
        };
    }

    private static NodeDefinition node(String name, Config node) {
        String role = node.requireString("role");
        Set<String> allowed = roleKeys(role);
        if (allowed == ALL) {
            throw node.error("role", "expected hub or client, got '" + role + "'");
        }
        for (String key : node.keys()) {
            if (!allowed.contains(key) && !key.equals("name")) {
                throw ALL.contains(key) ? node.error(key, "not a setting of a " + role)
                        : node.error(key, "unknown key" + Config.closest(key, allowed).map(k -> " (did you mean '" + k + "'?)").orElse(""));
            }
        }
        TunOptions tun = checked(node, "device", () -> new TunOptions(node.string("device").orElse(null),
                parse(node, "address", IpPrefix::parse), node.integer("mtu", DEFAULT_MTU, TunOptions.MIN_MTU, TunOptions.MAX_MTU)));
        SessionSettings session = checked(node, "timeout", () -> new SessionSettings(
                node.duration("keepalive", SessionSettings.DEFAULT_KEEPALIVE),
                node.duration("timeout", SessionSettings.DEFAULT_TIMEOUT),
                node.integer("send-queue", SessionSettings.DEFAULT_SEND_QUEUE, 1, 1 << 20)));
        Selection tunDriver = selection(node, "tun", "linux");
        Selection transport = selection(node, "transport", "tcp");
        Selection codec = selection(node, "codec", "length-prefix");
        if (role.equals("hub")) {
            InetSocketAddress listen = parse(node, "listen", text -> socketAddress(text, false));
            int maxClients = node.integer("max-clients", HubSpec.DEFAULT_MAX_CLIENTS, 1, 1_000_000);
            return new NodeDefinition(name, new HubSpec(name, tun, listen, maxClients, session), tunDriver, transport,
                    codec, selection(node, "routing", "hub"));
        }
        InetSocketAddress hub = parse(node, "connect", text -> socketAddress(text, true));
        return new NodeDefinition(name, new ClientSpec(name, tun, hub, session), tunDriver, transport, codec, null);
    }

    /** Reads a required key with a parser whose IllegalArgumentException becomes an error at the value. */
    private static <T> T parse(Config node, String key, Function<String, T> parser) {
        String text = node.requireString(key);
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw node.error(key, e.getMessage());
        }
    }

    private static <T> T checked(Config node, String key, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw node.error(key, e.getMessage());
        }
    }

    /**
     * {@code host:port}, {@code [v6]:port} or {@code :port}. Listening addresses must be literal; a client's hub
     * may be a name, resolved when dialing so a restart of DNS does not need a restart of the client.
     */
    static InetSocketAddress socketAddress(String text, boolean nameAllowed) {
        int colon = text.lastIndexOf(':');
        if (colon < 0 || text.startsWith("[") != text.contains("]")) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in '" + text + "'");
        }
        if (port < (nameAllowed ? 1 : 0) || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
        if (host.isEmpty() || host.equals("*")) {
            return new InetSocketAddress(port);
        }
        try {
            return new InetSocketAddress(IpPrefix.literal(host), port);
        } catch (IllegalArgumentException notLiteral) {
            if (!nameAllowed || host.startsWith("[")) {
                throw notLiteral;
            }
            return InetSocketAddress.createUnresolved(host, port);
        }
    }

    /** A plugin choice: a name alone, or a mapping whose only key is the name and whose value is its section. */
    private static Selection selection(Config node, String key, String defaultName) {
        ConfigValue value = node.value(key).orElse(null);
        return switch (value) {
            case null -> new Selection(defaultName, Config.empty(node.qualified(key) + "." + defaultName,
                    node.location()), node.location());
            case ConfigValue.Scalar(String name, Config.Location at) when name != null ->
                    new Selection(name, Config.empty(node.qualified(key) + "." + name, at), at);
            case Config section when section.keys().size() == 1 -> {
                String name = section.keys().iterator().next();
                Config settings = switch (section.value(name).orElseThrow()) {
                    case Config c -> c;
                    case ConfigValue.Scalar(String text, Config.Location at) when text == null ->
                            Config.empty(section.qualified(name), at);
                    default -> throw section.error(name, "expected the settings of " + name + " as a mapping");
                };
                yield new Selection(name, settings, section.locationOf(name));
            }
            default -> throw node.error(key, "expected a plugin name, or a mapping from one plugin name to its settings");
        };
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        return Stream.of(sets).flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());
    }

    /** The named node, or the only one; otherwise an error listing the names. */
    NodeDefinition select(String name, Config.Location where) {
        if (name == null) {
            if (nodes.size() == 1) {
                return nodes.values().iterator().next();
            }
            throw new ConfigException(where, "the file defines " + nodes.size() + " nodes (" + String.join(", ", nodes.keySet())
                    + "): choose one with --node");
        }
        NodeDefinition node = nodes.get(name);
        if (node == null) {
            throw new ConfigException(where, "no node named '" + name + "' (nodes: " + String.join(", ", nodes.keySet()) + ")"
                    + Config.closest(name, nodes.keySet()).map(n -> "; did you mean '" + n + "'?").orElse(""));
        }
        return node;
    }

    List<String> names() {
        return new ArrayList<>(nodes.keySet());
    }
}
