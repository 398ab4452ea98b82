package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.api.IpPrefix;
import io.lwt.api.tun.TunOptions;
import io.lwt.core.ClientAuth;
import io.lwt.core.ClientSpec;
import io.lwt.core.ClusterSettings;
import io.lwt.core.HubAccess;
import io.lwt.core.HubSpec;
import io.lwt.core.SessionSettings;
import io.lwt.core.StaticKeys;
import io.lwt.launcher.Setting.Scope;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A topology file: one node, or named nodes under {@code nodes:} that inherit {@code defaults:}. Parsing checks
 * everything a node needs except what only a running system can tell (devices, sockets).
 */
record Topology(Map<String, NodeDefinition> nodes, List<String> warnings) {

    /** What {@code defaults:} may hold: every node key but the name, which names one node. */
    private static final Set<String> INHERITABLE = NodeSettings.nodeKeys().stream()
            .filter(key -> !key.equals(NodeSettings.NAME.key())).collect(Collectors.toUnmodifiableSet());

    /** A hub or a client: its core spec and the plugins it uses. */
    /**
     * @param unsavedKey for a hub, where it must keep the static key it made just now (its first start); for a client,
     *     where its same-file hub has yet to keep the key it pins; null when the key exists
     * @param transports in order of preference; a hub listens with each
     */
    record NodeDefinition(String name, Object spec, Selection tun, List<Selection> transports, Selection codec,
            Selection routing, Config config, Path unsavedKey) {

        /** The hub's cluster store, if it has one. */
        Optional<Selection> cluster() {
            return isHub() ? NodeSettings.CLUSTER.read(config) : Optional.empty();
        }

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
    static Optional<InetSocketAddress> metrics(Config node) {
        return switch (NodeSettings.METRICS.read(node).orElse("false")) {
            case "false", "no", "off" -> Optional.empty();
            case "true", "yes", "on" -> Optional.of(MetricsEndpoint.DEFAULT);
            default -> node.socketAddress(NodeSettings.METRICS.key(), false);
        };
    }

    /** Parses a topology; {@code baseDir} resolves relative paths (key files, the pool state). */
    static Topology parse(Config root, Path baseDir) {
        List<String> warnings = new ArrayList<>();
        Map<String, Config> configs = new LinkedHashMap<>();
        if (!root.has("nodes")) {
            root.requireOnly(NodeSettings.nodeKeys());
            configs.put(NodeSettings.NAME.read(root).orElse(root.string("role", "node")), root);
        } else {
            root.requireOnly(Set.of("defaults", "nodes"));
            Config defaults = root.section("defaults").orElse(Config.empty("defaults", root.location()));
            defaults.requireOnly(INHERITABLE);
            Config nodes = root.section("nodes").orElseThrow();
            if (nodes.keys().isEmpty()) {
                throw new ConfigException(nodes.location(), "nodes: no nodes are defined");
            }
            for (String name : nodes.keys()) {
                Config node = nodes.section(name).orElseThrow(() -> nodes.error(name, "expected the node's settings"));
                configs.put(name, inherit(defaults, node));
            }
        }
        // the hubs' static keys first: a client in the same file may pin its hub's without writing it down
        Map<String, StaticKey> hubKeys = new LinkedHashMap<>();
        configs.forEach((name, node) -> {
            if (role(node) == Scope.HUB && !NodeSettings.LEGACY.read(node)) {
                hubKeys.put(name, staticKey(name, node, baseDir, warnings));
            }
        });
        // then the clients: a hub in the same file accepts every client defined there, with its key
        Map<String, NodeDefinition> clients = new LinkedHashMap<>();
        configs.forEach((name, node) -> {
            if (role(node) == Scope.CLIENT) {
                clients.put(name, client(name, node, baseDir, warnings, hubKeys));
            }
        });
        Map<String, NodeDefinition> parsed = new LinkedHashMap<>();
        configs.forEach((name, node) -> parsed.put(name, clients.containsKey(name) ? clients.get(name)
                : hub(name, node, baseDir, warnings, clients.values(), hubKeys.get(name))));
        return new Topology(parsed, List.copyOf(warnings));
    }

    /** The node's own keys over the defaults that apply to its role; each value keeps its own location. */
    private static Config inherit(Config defaults, Config node) {
        Set<String> applicable = NodeSettings.role(node.string("role", "")).map(NodeSettings::keys)
                .orElse(NodeSettings.nodeKeys());
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

    /** The node's role, after checking that every key belongs to it. */
    private static Scope role(Config node) {
        Scope role = NodeSettings.ROLE.read(node);
        Set<String> allowed = NodeSettings.keys(role);
        for (String key : node.keys()) {
            if (!allowed.contains(key)) {
                throw NodeSettings.nodeKeys().contains(key) ? node.error(key, "not a setting of a " + role.text)
                        : node.error(key, "unknown key" + Config.closest(key, allowed).map(k -> " (did you mean '" + k + "'?)").orElse(""));
            }
        }
        return role;
    }

    private static int mtu(Config node) {
        return NodeSettings.MTU.read(node);
    }

    private static SessionSettings session(Config node) {
        return checked(node, NodeSettings.TIMEOUT.key(), () -> new SessionSettings(NodeSettings.KEEPALIVE.read(node),
                NodeSettings.TIMEOUT.read(node), NodeSettings.SEND_QUEUE.read(node),
                NodeSettings.SEND_QUEUE_BYTES.read(node)));
    }

    /**
     * A Curve25519 key (a hub's private key, or the public one a client pins), and where the hub is to keep it when it
     * made it just now ({@code auto}, first start).
     */
    private record StaticKey(byte[] key, Path unsaved) {}

    /** {@code static-key}: {@code auto} (the default) reads {@code noise/NODE.key} beside the file, or makes it. */
    private static StaticKey staticKey(String name, Config node, Path baseDir, List<String> warnings) {
        String reference = NodeSettings.STATIC_KEY.read(node).orElse("auto");
        if (!reference.equals("auto")) {
            return new StaticKey(Keys.readStatic(node, NodeSettings.STATIC_KEY.key(), baseDir, warnings,
                    "a hub's private key"), null);
        }
        Path file = Keys.autoStaticKey(baseDir, name);
        if (!Files.exists(file)) {
            return new StaticKey(StaticKeys.generate(), file);
        }
        FileModes.exposedSecret(file, node, NodeSettings.STATIC_KEY.key()).ifPresent(warnings::add);
        try {
            return new StaticKey(StaticKeys.parse(Files.readString(file)), null);
        } catch (IOException | IllegalArgumentException e) {
            throw node.error(NodeSettings.STATIC_KEY.key(), "cannot read the hub's static key " + file + ": "
                    + e.getMessage());
        }
    }

    /**
     * {@code hub-key}: the hub's public key the client pins; without it, that of the one hub defined in the same file.
     * Returns the public key and, when that hub has not kept its key yet, where it will.
     */
    private static StaticKey hubKey(Config node, Map<String, StaticKey> hubKeys) {
        Optional<String> written = NodeSettings.HUB_KEY.read(node);
        if (written.isPresent()) {
            try {
                return new StaticKey(StaticKeys.parse(written.get()), null);
            } catch (IllegalArgumentException e) {
                throw node.error(NodeSettings.HUB_KEY.key(), "not a public key: " + e.getMessage());
            }
        }
        if (hubKeys.size() != 1) {
            throw node.error(NodeSettings.HUB_KEY.key(), "missing: the hub's public key, which it prints at its first "
                    + "start (lwt keygen --public on its key file shows it; lwt init writes it)"
                    + (hubKeys.isEmpty() ? "" : "; this file defines " + hubKeys.size() + " hubs, so it must say which"));
        }
        StaticKey hub = hubKeys.values().iterator().next();
        return new StaticKey(StaticKeys.publicKey(hub.key()), hub.unsaved());
    }

    private static NodeDefinition client(String name, Config node, Path baseDir, List<String> warnings,
            Map<String, StaticKey> hubKeys) {
        List<InetSocketAddress> hubs = NodeSettings.CONNECT.read(node);
        boolean legacy = NodeSettings.LEGACY.read(node);
        if (legacy) {
            warnings.add(node.locationOf("protocol") + ": " + node.qualified("protocol")
                    + ": legacy: no authentication, the address is this node's own claim");
        } else if (node.has("address")) {
            addresses(node, "address", false); // the hub's fixed assignment; validated here, used by the hub
        }
        byte[] key = legacy ? null : Keys.readOptional(node, NodeSettings.KEY.key(), baseDir, warnings);
        String device = NodeSettings.DEVICE.read(node).orElse(null);
        checked(node, "device", () -> new TunOptions(device, IpPrefix.parse("0.0.0.0/0"), mtu(node)));
        metrics(node);
        NodeSettings.LOG_LEVEL.read(node);
        SessionSettings session = session(node);
        tlsKeys(node, baseDir, warnings);
        // last: a file that is wrong in another way says so first
        StaticKey hubKey = legacy ? null : hubKey(node, hubKeys);
        ClientAuth auth = legacy
                ? checked(node, "address", () -> new ClientAuth.Legacy(IpPrefix.parse(node.requireString("address"))))
                : checked(node, "identity", () -> new ClientAuth.Secure(NodeSettings.IDENTITY.read(node).orElse(name),
                        key, hubKey.key()));
        ClientSpec spec = checked(node, "mtu", () -> new ClientSpec(name, device, mtu(node), hubs, session, auth));
        return new NodeDefinition(name, spec, NodeSettings.TUN.read(node), NodeSettings.TRANSPORT.read(node),
                NodeSettings.CODEC.read(node), null, node, hubKey == null ? null : hubKey.unsaved());
    }

    private static NodeDefinition hub(String name, Config node, Path baseDir, List<String> warnings,
            Iterable<NodeDefinition> clientsInFile, StaticKey staticKey) {
        Addresses address = addresses(node, "address", true);
        if (address.ipv6() != null && mtu(node) < TunOptions.MIN_IPV6_MTU) {
            throw node.error("mtu", mtu(node) + " is too small for IPv6 inside the tunnel, which needs at least "
                    + TunOptions.MIN_IPV6_MTU);
        }
        List<IpPrefix> routes = routes(node, address.ipv6() != null);
        TunOptions tun = checked(node, "device", () -> new TunOptions(NodeSettings.DEVICE.read(node).orElse(null),
                address.ipv4(), address.ipv6(), mtu(node), List.of()));
        InetSocketAddress listen = NodeSettings.LISTEN.read(node);
        int maxClients = NodeSettings.MAX_CLIENTS.read(node);
        HubAccess access;
        if (NodeSettings.LEGACY.read(node)) {
            if (address.ipv6() != null) {
                throw node.error("address", "legacy mode is IPv4 only: drop the IPv6 address " + address.ipv6());
            }
            access = new HubAccess.Legacy();
            warnings.add(node.locationOf("protocol") + ": " + node.qualified("protocol")
                    + ": legacy: anyone who reaches the hub can join and claim an unused address");
        } else {
            access = secureAccess(name, node, baseDir, warnings, clientsInFile, address, routes, staticKey.key());
        }
        metrics(node);
        NodeSettings.LOG_LEVEL.read(node);
        tlsKeys(node, baseDir, warnings);
        boolean clustered = clusterEndpoint(node, listen) != null;
        if (clustered && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > ClusterSettings.MAX_HUB_NAME) {
            throw node.error(NodeSettings.CLUSTER.key(), "the hub's name " + name + " is longer than "
                    + ClusterSettings.MAX_HUB_NAME + " bytes, the most a link between hubs carries");
        }
        if (clustered && NodeSettings.STATIC_KEY.read(node).orElse("auto").equals("auto")) {
            warnings.add(node.locationOf(NodeSettings.CLUSTER.key()) + ": " + node.qualified("static-key") + ": auto: "
                    + "this hub of a cluster makes a key of its own, and clients that pin it cannot move to the "
                    + "other hubs; give every hub of the cluster the same static-key: file:PATH");
        }
        HubSpec spec = new HubSpec(name, tun, listen, maxClients, session(node), access);
        return new NodeDefinition(name, spec, NodeSettings.TUN.read(node), NodeSettings.TRANSPORT.read(node),
                NodeSettings.CODEC.read(node), NodeSettings.ROUTING.read(node), node,
                staticKey == null ? null : staticKey.unsaved());
    }

    /** The hub's clients: its own {@code clients:} entries and every secure client node of the same file. */
    private static HubAccess.Secure secureAccess(String name, Config node, Path baseDir, List<String> warnings,
            Iterable<NodeDefinition> clientsInFile, Addresses hub, List<IpPrefix> routes, byte[] staticKey) {
        List<String> ranges = NodeSettings.POOL.read(node);
        HubAccess.AddressPool pool = ranges.isEmpty() ? null
                : checked(node, "pool", () -> HubAccess.AddressPool.parse(ranges.toArray(String[]::new)));
        if (pool != null && pool.ipv6() != null && hub.ipv6() == null) {
            throw node.error("pool", "the IPv6 range " + pool.ipv6() + " needs an IPv6 address on the hub too"
                    + " (address: [10.0.0.1/24, fd00::1/64])");
        }
        for (int i = 0; i < ranges.size(); i++) {
            checkRange(node, i, HubAccess.AddressRange.parse(ranges.get(i)), hub);
        }
        Map<String, HubAccess.ClientEntry> clients = new LinkedHashMap<>();
        Map<InetAddress, String> fixed = new java.util.HashMap<>();
        Config listed = NodeSettings.CLIENTS.read(node)
                .orElse(Config.empty(node.qualified(NodeSettings.CLIENTS.key()), node.location()));
        for (String client : listed.keys()) {
            Config entry = listed.section(client).orElseThrow(() -> listed.error(client, "expected key: and address:"));
            entry.requireOnly(NodeSettings.keys(Scope.CLIENT_ENTRY));
            add(clients, fixed, pool, hub, entry, clientEntry(client,
                    Keys.readOptional(entry, NodeSettings.ENTRY_KEY.key(), baseDir, warnings), entry, hub));
        }
        Path invitedDir = InvitedClients.directory(baseDir, name);
        InvitedClients.read(invitedDir).forEach((client, entry) -> {
            entry.requireOnly(NodeSettings.keys(Scope.CLIENT_ENTRY));
            if (clients.containsKey(client)) {
                throw new ConfigException(entry.location(), "client " + client + " is defined twice: in "
                        + node.qualified(NodeSettings.CLIENTS.key()) + " and by lwt invite");
            }
            add(clients, fixed, pool, hub, entry, clientEntry(client,
                    Keys.readOptional(entry, NodeSettings.ENTRY_KEY.key(), invitedDir, warnings), entry, hub));
        });
        for (NodeDefinition definition : clientsInFile) {
            if (((ClientSpec) definition.spec()).auth() instanceof ClientAuth.Secure secure) {
                Config config = definition.config();
                if (clients.containsKey(secure.identity())) {
                    throw config.error("identity", "client " + secure.identity() + " is defined twice"
                            + (Files.exists(InvitedClients.file(baseDir, name, secure.identity()))
                                    ? ": here and by lwt invite" : ""));
                }
                add(clients, fixed, pool, hub, config, clientEntry(secure.identity(), secure.key(), config, hub));
            }
        }
        Path state = baseDir.resolve(NodeSettings.STATE.read(node).orElse(name + "-pool.state"));
        FileModes.exposedSecret(state, node, NodeSettings.STATE.key()).ifPresent(warnings::add);
        return checked(node, "pool", () -> new HubAccess.Secure(staticKey, clients, pool, state,
                NodeSettings.HANDSHAKE_TIMEOUT.read(node), NodeSettings.MAX_HANDSHAKES.read(node),
                NodeSettings.CONNECTION_RATE.read(node), routes));
    }

    /**
     * A pool's range (item {@code index} of {@code pool:}) must lie inside the hub's network of its family and leave
     * out the addresses no client may have.
     */
    private static void checkRange(Config node, int index, HubAccess.AddressRange range, Addresses hub) {
        HubNetwork network = hub.network(range.isIpv4());
        if (!network.contains(range)) {
            throw itemError(node, "pool", index, range + " is not inside the tunnel network " + network
                    + " (the hub's address " + network.hub() + ")");
        }
        network.reservedIn(range).ifPresent(reserved -> {
            throw itemError(node, "pool", index, range + " includes " + reserved);
        });
    }

    /**
     * A client as its hub knows it: {@code config} holds its fixed {@code address:} and its {@code routes:}, which
     * must not overlap the tunnel network: the hub accepts a client's routes as its sources, so such a route would let
     * it send as other clients.
     */
    private static HubAccess.ClientEntry clientEntry(String name, byte[] key, Config config, Addresses hub) {
        Addresses fixed = config.has("address") ? addresses(config, "address", false) : new Addresses(null, null);
        if (fixed.ipv6() != null && hub.ipv6() == null) {
            throw config.error("address", IpPrefix.text(fixed.ipv6().address()) + ": an IPv6 address needs an IPv6 address on the hub too");
        }
        List<IpPrefix> routes = routes(config, hub.ipv6() != null);
        for (int i = 0; i < routes.size(); i++) {
            HubNetwork network = hub.network(routes.get(i).isIpv4());
            if (network.overlaps(routes.get(i))) {
                throw itemError(config, "routes", i, routes.get(i) + " overlaps the tunnel network " + network
                        + ": a client's routes are its sources, so it could send as other clients");
            }
        }
        return new HubAccess.ClientEntry(name, key, fixed.ipv4() == null ? null : fixed.ipv4().address(),
                fixed.ipv6() == null ? null : fixed.ipv6().address(), routes);
    }

    /**
     * Where the other hubs of a hub's cluster reach it, {@code host:port}: {@code advertise}, else {@code listen} when
     * that names an address; null for a hub without a cluster. A cluster takes the secure protocol only.
     */
    static String clusterEndpoint(Config node, InetSocketAddress listen) {
        if (NodeSettings.CLUSTER.read(node).isEmpty()) {
            if (node.has(NodeSettings.ADVERTISE.key())) {
                throw node.error(NodeSettings.ADVERTISE.key(), "only a hub with a cluster: advertises itself");
            }
            return null;
        }
        if (NodeSettings.LEGACY.read(node)) {
            throw node.error(NodeSettings.CLUSTER.key(), "protocol legacy cannot share a cluster: its clients are not "
                    + "authenticated");
        }
        if (node.has(NodeSettings.ADVERTISE.key())) {
            InetSocketAddress advertised = node.socketAddress(NodeSettings.ADVERTISE.key(), true).orElseThrow();
            return advertised.getHostString() + ":" + advertised.getPort();
        }
        if (listen.getAddress().isAnyLocalAddress()) {
            throw node.error(NodeSettings.LISTEN.key(), listen.getPort() + " on every address does not say where the "
                    + "other hubs of the cluster reach this one: set advertise: HOST:PORT");
        }
        return listen.getAddress().getHostAddress() + ":" + listen.getPort();
    }

    /**
     * Warns when the private key of a {@code tls} transport is readable by group or others: its {@code private-key},
     * or the one {@code certificate: auto} keeps in its {@code store}. The plugin reads and checks the files.
     */
    private static void tlsKeys(Config node, Path baseDir, List<String> warnings) {
        for (Selection transport : NodeSettings.TRANSPORT.read(node)) {
            if (!transport.name().equals("tls")) {
                continue;
            }
            Config tls = transport.section();
            Optional<Path> key = tls.has("private-key") ? tls.file("private-key")
                    : tls.string("certificate").filter(c -> c.strip().equals("auto"))
                            .map(auto -> tls.file("store").orElse(baseDir.resolve("tls")).resolve("tls.key"));
            key.flatMap(file -> FileModes.exposedSecret(file, tls, tls.has("private-key") ? "private-key" : "certificate"))
                    .ifPresent(warnings::add);
        }
    }

    /** A node's tunnel addresses: at most one of each family, e.g. {@code [10.0.0.1/24, fd00::1/64]}. */
    private record Addresses(IpPrefix ipv4, IpPrefix ipv6) {
        /** A hub's network of one family; only asked for a family it has an address of. */
        HubNetwork network(boolean ipv4Family) {
            return new HubNetwork(java.util.Objects.requireNonNull(ipv4Family ? ipv4 : ipv6));
        }
    }

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
        for (String text : NodeSettings.ROUTES.read(node)) {
            IpPrefix route = checked(node, "routes", () -> IpPrefix.parse(text));
            if (!route.isIpv4() && !ipv6) {
                throw node.error("routes", route + ": IPv6 routes need an IPv6 address on the hub"
                        + " (address: [10.0.0.1/24, fd00::1/64])");
            }
            routes.add(route);
        }
        return List.copyOf(routes);
    }

    /**
     * Adds a client after checking each of its fixed addresses (the items of {@code address:} in {@code where}): inside
     * the hub's network, none of its reserved addresses, outside the pool and no other client's.
     */
    private static void add(Map<String, HubAccess.ClientEntry> clients, Map<InetAddress, String> fixed,
            HubAccess.AddressPool pool, Addresses hub, Config where, HubAccess.ClientEntry entry) {
        List<String> texts = where.strings("address");
        for (int i = 0; i < texts.size(); i++) {
            InetAddress address = IpPrefix.parse(texts.get(i)).address();
            String text = IpPrefix.text(address);
            HubNetwork network = hub.network(address instanceof java.net.Inet4Address);
            if (!network.contains(address)) {
                throw itemError(where, "address", i, text + " is not inside the tunnel network " + network
                        + " (the hub's address " + network.hub() + ")");
            }
            String reserved = network.reserved().get(address);
            if (reserved != null) {
                throw itemError(where, "address", i, text + " is " + reserved);
            }
            if (pool != null && pool.contains(address)) {
                throw itemError(where, "address", i, text + " lies inside the pool");
            }
            String other = fixed.putIfAbsent(address, entry.name());
            if (other != null) {
                throw itemError(where, "address", i, text + " is already the address of " + other);
            }
        }
        clients.put(entry.name(), entry);
    }

    /** An error about item {@code index} of {@code key}'s list (or its single value), located at that item. */
    private static ConfigException itemError(Config node, String key, int index, String reason) {
        Config.Location at = node.value(key).orElseThrow()
                instanceof ConfigValue.Sequence(List<ConfigValue> items, Config.Location ignored)
                ? items.get(index).location() : node.locationOf(key);
        return new ConfigException(at, node.qualified(key) + ": " + reason);
    }

    private static <T> T checked(Config node, String key, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw node.error(key, e.getMessage());
        }
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
