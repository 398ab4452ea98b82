package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.api.IpPrefix;
import io.lwt.api.tun.TunOptions;
import io.lwt.core.ClientAuth;
import io.lwt.core.ClientSpec;
import io.lwt.core.HubAccess;
import io.lwt.core.HubSpec;
import io.lwt.core.SessionSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
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
record Topology(Map<String, NodeDefinition> nodes, List<String> warnings) {

    static final int DEFAULT_MTU = 1400;

    private static final Set<String> COMMON = Set.of("role", "address", "mtu", "device", "keepalive", "timeout",
            "send-queue", "send-queue-bytes", "tun", "transport", "codec", "protocol", "routes", "metrics", "log-level");
    private static final Set<String> HUB_ONLY = Set.of("listen", "max-clients", "routing", "clients", "pool", "state",
            "handshake-timeout", "max-handshakes", "connection-rate", "insecure");
    private static final Set<String> CLIENT_ONLY = Set.of("connect", "key", "identity");
    private static final Set<String> CLIENT_ENTRY = Set.of("key", "address", "routes");
    private static final Set<String> ALL = union(COMMON, HUB_ONLY, CLIENT_ONLY);

    /** A hub or a client: its core spec and the plugins it uses. */
    record NodeDefinition(String name, Object spec, Selection tun, Selection transport, Selection codec,
            Selection routing, Config config) {

        boolean isHub() {
            return spec instanceof HubSpec;
        }
    }

    /** The directory relative paths in a topology file are resolved against: the file's own. */
    static Path baseDir(Path file) {
        return file.toAbsolutePath().getParent();
    }

    /** Reads and parses a topology file. */
    static Topology load(Path file) {
        return parse(YamlConfig.read(file), baseDir(file));
    }

    /**
     * Where the node serves Prometheus metrics: {@code metrics: true} means loopback port 9100, an address
     * ({@code host:port}) that address; empty when the key is absent or false.
     */
    static java.util.Optional<InetSocketAddress> metrics(Config node) {
        String value = node.string("metrics", "false");
        return switch (value) {
            case "false", "no", "off" -> java.util.Optional.empty();
            case "true", "yes", "on" -> java.util.Optional.of(MetricsEndpoint.DEFAULT);
            default -> java.util.Optional.of(parse(node, "metrics", text -> socketAddress(text, false)));
        };
    }

    /** {@code log-level}: error, warn, info, debug or trace; empty when the node does not set it. */
    static java.util.Optional<System.Logger.Level> logLevel(Config node) {
        return node.string("log-level").map(text -> switch (text) {
            case "error" -> System.Logger.Level.ERROR;
            case "warn" -> System.Logger.Level.WARNING;
            case "info" -> System.Logger.Level.INFO;
            case "debug" -> System.Logger.Level.DEBUG;
            case "trace" -> System.Logger.Level.TRACE;
            default -> throw node.error("log-level", "expected error, warn, info, debug or trace, got '" + text + "'");
        });
    }

    /** Parses a topology; {@code baseDir} resolves relative paths (key files, the pool state). */
    static Topology parse(Config root, Path baseDir) {
        List<String> warnings = new ArrayList<>();
        Map<String, Config> configs = new LinkedHashMap<>();
        if (!root.has("nodes")) {
            root.requireOnly(union(ALL, Set.of("name")));
            configs.put(root.string("name", root.string("role", "node")), root);
        } else {
            root.requireOnly(Set.of("defaults", "nodes"));
            Config defaults = root.section("defaults").orElse(Config.empty("defaults", root.location()));
            defaults.requireOnly(ALL);
            Config nodes = root.section("nodes").orElseThrow();
            if (nodes.keys().isEmpty()) {
                throw new ConfigException(nodes.location(), "nodes: no nodes are defined");
            }
            for (String name : nodes.keys()) {
                Config node = nodes.section(name).orElseThrow(() -> nodes.error(name, "expected the node's settings"));
                configs.put(name, inherit(defaults, node));
            }
        }
        // clients first: a hub in the same file accepts every client defined there, with its key
        Map<String, NodeDefinition> clients = new LinkedHashMap<>();
        configs.forEach((name, node) -> {
            if (role(node).equals("client")) {
                clients.put(name, client(name, node, baseDir, warnings));
            }
        });
        Map<String, NodeDefinition> parsed = new LinkedHashMap<>();
        configs.forEach((name, node) -> parsed.put(name,
                clients.containsKey(name) ? clients.get(name) : hub(name, node, baseDir, warnings, clients.values())));
        return new Topology(parsed, List.copyOf(warnings));
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

    /** The node's role, after checking that every key belongs to it. */
    private static String role(Config node) {
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
        return role;
    }

    private static boolean legacy(Config node) {
        String protocol = node.string("protocol", "secure");
        return switch (protocol) {
            case "secure" -> false;
            case "legacy" -> true;
            default -> throw node.error("protocol", "expected secure or legacy, got '" + protocol + "'");
        };
    }

    private static int mtu(Config node) {
        return node.integer("mtu", DEFAULT_MTU, TunOptions.MIN_MTU, TunOptions.MAX_MTU);
    }

    private static SessionSettings session(Config node) {
        return checked(node, "timeout", () -> new SessionSettings(
                node.duration("keepalive", SessionSettings.DEFAULT_KEEPALIVE),
                node.duration("timeout", SessionSettings.DEFAULT_TIMEOUT),
                node.integer("send-queue", SessionSettings.DEFAULT_SEND_QUEUE, 1, 1 << 20),
                node.integer("send-queue-bytes", SessionSettings.DEFAULT_SEND_QUEUE_BYTES,
                        SessionSettings.MIN_SEND_QUEUE_BYTES, SessionSettings.MAX_SEND_QUEUE_BYTES)));
    }

    private static NodeDefinition client(String name, Config node, Path baseDir, List<String> warnings) {
        InetSocketAddress hub = parse(node, "connect", text -> socketAddress(text, true));
        ClientAuth auth;
        if (legacy(node)) {
            auth = checked(node, "address", () -> new ClientAuth.Legacy(parse(node, "address", IpPrefix::parse)));
            warnings.add(node.locationOf("protocol") + ": " + node.qualified("protocol")
                    + ": legacy: no authentication, the address is this node's own claim");
        } else {
            if (node.has("address")) {
                addresses(node, "address", false); // the hub's fixed assignment; validated here, used by the hub
            }
            auth = checked(node, "identity", () -> new ClientAuth.Secure(node.string("identity", name),
                    Keys.readOptional(node, "key", baseDir, warnings)));
        }
        String device = node.string("device").orElse(null);
        checked(node, "device", () -> new TunOptions(device, IpPrefix.parse("0.0.0.0/0"), mtu(node)));
        metrics(node);
        logLevel(node);
        ClientSpec spec = checked(node, "mtu", () -> new ClientSpec(name, device, mtu(node), hub, session(node), auth));
        return new NodeDefinition(name, spec, selection(node, "tun", "linux"), selection(node, "transport", "tcp"),
                selection(node, "codec", "length-prefix"), null, node);
    }

    private static NodeDefinition hub(String name, Config node, Path baseDir, List<String> warnings,
            Iterable<NodeDefinition> clientsInFile) {
        Addresses address = addresses(node, "address", true);
        if (address.ipv6() != null && mtu(node) < TunOptions.MIN_IPV6_MTU) {
            throw node.error("mtu", mtu(node) + " is too small for IPv6 inside the tunnel, which needs at least "
                    + TunOptions.MIN_IPV6_MTU);
        }
        List<IpPrefix> routes = routes(node, address.ipv6() != null);
        TunOptions tun = checked(node, "device", () -> new TunOptions(node.string("device").orElse(null),
                address.ipv4(), address.ipv6(), mtu(node), List.of()));
        InetSocketAddress listen = parse(node, "listen", text -> socketAddress(text, false));
        int maxClients = node.integer("max-clients", HubSpec.DEFAULT_MAX_CLIENTS, 1, 1_000_000);
        HubAccess access;
        if (legacy(node)) {
            if (address.ipv6() != null) {
                throw node.error("address", "legacy mode is IPv4 only: drop the IPv6 address " + address.ipv6());
            }
            access = new HubAccess.Legacy();
            warnings.add(node.locationOf("protocol") + ": " + node.qualified("protocol")
                    + ": legacy: anyone who reaches the hub can join and claim an unused address");
        } else {
            access = secureAccess(name, node, baseDir, warnings, clientsInFile, address.ipv6() != null, routes);
        }
        metrics(node);
        logLevel(node);
        HubSpec spec = new HubSpec(name, tun, listen, maxClients, session(node), access);
        return new NodeDefinition(name, spec, selection(node, "tun", "linux"), selection(node, "transport", "tcp"),
                selection(node, "codec", "length-prefix"), selection(node, "routing", "hub"), node);
    }

    /** The hub's clients: its own {@code clients:} entries and every secure client node of the same file. */
    private static HubAccess.Secure secureAccess(String name, Config node, Path baseDir, List<String> warnings,
            Iterable<NodeDefinition> clientsInFile, boolean ipv6, List<IpPrefix> routes) {
        HubAccess.AddressPool pool = node.has("pool")
                ? checked(node, "pool", () -> HubAccess.AddressPool.parse(node.strings("pool").toArray(String[]::new)))
                : null;
        if (pool != null && pool.ipv6() != null && !ipv6) {
            throw node.error("pool", "the IPv6 range " + pool.ipv6() + " needs an IPv6 address on the hub too"
                    + " (address: [10.0.0.1/24, fd00::1/64])");
        }
        Map<String, HubAccess.ClientEntry> clients = new LinkedHashMap<>();
        Map<InetAddress, String> fixed = new java.util.HashMap<>();
        Config listed = node.section("clients").orElse(Config.empty(node.qualified("clients"), node.location()));
        for (String client : listed.keys()) {
            Config entry = listed.section(client).orElseThrow(() -> listed.error(client, "expected key: and address:"));
            entry.requireOnly(CLIENT_ENTRY);
            add(clients, fixed, pool, entry, clientEntry(client, Keys.readOptional(entry, "key", baseDir, warnings), entry,
                    ipv6));
        }
        for (NodeDefinition definition : clientsInFile) {
            if (((ClientSpec) definition.spec()).auth() instanceof ClientAuth.Secure secure) {
                Config config = definition.config();
                if (clients.containsKey(secure.identity())) {
                    throw config.error("identity", "client " + secure.identity() + " is defined twice");
                }
                add(clients, fixed, pool, config, clientEntry(secure.identity(), secure.key(), config, ipv6));
            }
        }
        Path state = baseDir.resolve(node.string("state", name + "-pool.state"));
        return checked(node, "pool", () -> new HubAccess.Secure(clients, pool, state,
                node.duration("handshake-timeout", HubAccess.Secure.DEFAULT_HANDSHAKE_TIMEOUT),
                node.integer("max-handshakes", HubAccess.Secure.DEFAULT_MAX_HANDSHAKES, 1, 1_000_000),
                node.integer("connection-rate", HubAccess.Secure.DEFAULT_CONNECTION_RATE, 1, 1_000_000), routes));
    }

    /** A client as its hub knows it: {@code config} holds its fixed {@code address:} and its {@code routes:}. */
    private static HubAccess.ClientEntry clientEntry(String name, byte[] key, Config config, boolean hubHasIpv6) {
        Addresses fixed = config.has("address") ? addresses(config, "address", false) : new Addresses(null, null);
        if (fixed.ipv6() != null && !hubHasIpv6) {
            throw config.error("address", IpPrefix.text(fixed.ipv6().address()) + ": an IPv6 address needs an IPv6 address on the hub too");
        }
        return new HubAccess.ClientEntry(name, key, fixed.ipv4() == null ? null : fixed.ipv4().address(),
                fixed.ipv6() == null ? null : fixed.ipv6().address(), routes(config, hubHasIpv6));
    }

    /** A node's tunnel addresses: at most one of each family, e.g. {@code [10.0.0.1/24, fd00::1/64]}. */
    private record Addresses(IpPrefix ipv4, IpPrefix ipv6) {}

    /** {@code address:}, one address or a list of an IPv4 and an IPv6 one; a hub's needs the IPv4 one. */
    private static Addresses addresses(Config node, String key, boolean ipv4Required) {
        List<String> texts = node.strings(key);
        if (texts.isEmpty()) {
            node.requireString(key); // "missing", at the node
        }
        IpPrefix ipv4 = null;
        IpPrefix ipv6 = null;
        for (String text : texts) {
            IpPrefix address = checked(node, key, () -> IpPrefix.parse(text));
            if (address.isIpv4() ? ipv4 != null : ipv6 != null) {
                throw node.error(key, "two " + (address.isIpv4() ? "IPv4" : "IPv6")
                        + " addresses: give at most one of each family, e.g. [10.0.0.1/24, fd00::1/64]");
            }
            if (address.isIpv4()) {
                ipv4 = address;
            } else {
                checkRoutable(node, key, address);
                ipv6 = address;
            }
        }
        if (ipv4 == null && ipv4Required) {
            throw node.error(key, "an IPv4 address is needed; an IPv6 one may come beside it, e.g. [10.0.0.1/24, fd00::1/64]");
        }
        return new Addresses(ipv4, ipv6);
    }

    private static void checkRoutable(Config node, String key, IpPrefix address) {
        InetAddress a = address.address();
        if (a.isLinkLocalAddress() || a.isMulticastAddress() || a.isAnyLocalAddress() || a.isLoopbackAddress()) {
            throw node.error(key, IpPrefix.text(a) + " is a link-local, multicast, loopback or unspecified address;"
                    + " a tunnel address must be unicast, e.g. from fd00::/8");
        }
    }

    /**
     * {@code routes:}, the networks behind a node, e.g. {@code [192.168.50.0/24, fd00:50::/64]}; IPv6 ones only on a
     * tunnel whose hub has an IPv6 address.
     */
    private static List<IpPrefix> routes(Config node, boolean ipv6) {
        List<IpPrefix> routes = new ArrayList<>();
        for (String text : node.strings("routes")) {
            IpPrefix route = checked(node, "routes", () -> IpPrefix.parse(text));
            if (!route.isIpv4() && !ipv6) {
                throw node.error("routes", route + ": IPv6 routes need an IPv6 address on the hub"
                        + " (address: [10.0.0.1/24, fd00::1/64])");
            }
            routes.add(route);
        }
        return List.copyOf(routes);
    }

    private static void add(Map<String, HubAccess.ClientEntry> clients, Map<InetAddress, String> fixed,
            HubAccess.AddressPool pool, Config where, HubAccess.ClientEntry entry) {
        for (InetAddress address : java.util.Arrays.asList(entry.address(), entry.ipv6Address())) {
            if (address == null) {
                continue;
            }
            String other = fixed.putIfAbsent(address, entry.name());
            if (other != null) {
                throw where.error("address", IpPrefix.text(address) + " is already the address of " + other);
            }
            if (pool != null && pool.contains(address)) {
                throw where.error("address", IpPrefix.text(address) + " lies inside the pool");
            }
        }
        clients.put(entry.name(), entry);
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
