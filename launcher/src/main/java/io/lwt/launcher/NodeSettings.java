package io.lwt.launcher;

import static io.lwt.launcher.Setting.Reload.LIVE;
import static io.lwt.launcher.Setting.Reload.RESTART;
import static io.lwt.launcher.Setting.Scope.CLIENT;
import static io.lwt.launcher.Setting.Scope.CLIENT_ENTRY;
import static io.lwt.launcher.Setting.Scope.HUB;

import io.lwt.api.Config;
import io.lwt.api.tun.TunOptions;
import io.lwt.core.HubAccess;
import io.lwt.core.HubSpec;
import io.lwt.core.SessionSettings;
import io.lwt.launcher.Setting.Scope;
import io.lwt.launcher.SettingType.Bytes;
import io.lwt.launcher.SettingType.Choice;
import io.lwt.launcher.SettingType.Durations;
import io.lwt.launcher.SettingType.Endpoint;
import io.lwt.launcher.SettingType.Endpoints;
import io.lwt.launcher.SettingType.Flag;
import io.lwt.launcher.SettingType.Integers;
import io.lwt.launcher.SettingType.Mapping;
import io.lwt.launcher.SettingType.Plugin;
import io.lwt.launcher.SettingType.OptionalPlugin;
import io.lwt.launcher.SettingType.Plugins;
import io.lwt.launcher.SettingType.Text;
import io.lwt.launcher.SettingType.Texts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every setting of a node, declared once: where it may be written, its type, default and range, whether a reload
 * applies it, and its line of documentation. {@link Topology} takes its keys, role checks, defaults and ranges from
 * here, {@link NodeReloader} asks it what needs a restart, and docs/configuration.md is generated from it
 * ({@link ConfigurationReference}). Where the engine's records define a default or a bound, the table names their
 * constant rather than repeating the number; the records keep checking their own invariants.
 */
final class NodeSettings {

    private static final Set<Scope> NODE = Set.of(HUB, CLIENT);
    /** The bound of limits that have no natural one, so that a typo cannot ask for billions. */
    private static final int MOST = 1_000_000;

    private static final Choice<Scope> ROLES = Choice.of(null, Map.entry("hub", HUB), Map.entry("client", CLIENT));

    static final Setting<Scope> ROLE = new Setting<>("role", NODE, ROLES, RESTART,
            "what the node is");
    static final Setting<Optional<String>> NAME = new Setting<>("name", NODE,
            new Text("text", "its role"), RESTART,
            "the node's name in a file of one node; under `nodes:` its key is its name");
    static final Setting<List<String>> ADDRESS = new Setting<>("address", NODE,
            new Texts("address, or a list of an IPv4 and an IPv6 one", "hub: required; client: one from the pool"), RESTART,
            "hub: its tunnel address with the tunnel network's prefix, e.g. `10.0.0.1/24`, and optionally an IPv6 one "
                    + "(`[10.0.0.1/24, fd00::1/64]`); client: the fixed address the hub gives it, of either family or "
                    + "both (required, IPv4 with its prefix, only in legacy mode)");
    static final Setting<Integer> MTU = new Setting<>("mtu", NODE,
            new Integers(TunOptions.MIN_MTU, TunOptions.MAX_MTU, 1400), RESTART,
            "the TUN device's MTU, which bounds every packet: the same on every node; IPv6 needs at least "
                    + TunOptions.MIN_IPV6_MTU);
    static final Setting<Optional<String>> DEVICE = new Setting<>("device", NODE,
            new Text("TUN device name", "the kernel chooses"), RESTART,
            "1-15 letters, digits and `_ . - %`");
    static final Setting<Duration> KEEPALIVE = new Setting<>("keepalive", NODE,
            new Durations(SessionSettings.DEFAULT_KEEPALIVE), RESTART,
            "a session that sent nothing for this long sends a keepalive");
    static final Setting<Duration> TIMEOUT = new Setting<>("timeout", NODE,
            new Durations(SessionSettings.DEFAULT_TIMEOUT), RESTART,
            "a session that received nothing for this long is closed; longer than `keepalive`");
    static final Setting<Integer> SEND_QUEUE = new Setting<>("send-queue", NODE,
            new Integers(1, SessionSettings.MAX_SEND_QUEUE, SessionSettings.DEFAULT_SEND_QUEUE), RESTART,
            "packets queued per session before new ones are dropped (`queue-full`), so a slow peer stalls no other");
    static final Setting<Integer> SEND_QUEUE_BYTES = new Setting<>("send-queue-bytes", NODE,
            new Bytes(SessionSettings.MIN_SEND_QUEUE_BYTES, SessionSettings.MAX_SEND_QUEUE_BYTES,
                    SessionSettings.DEFAULT_SEND_QUEUE_BYTES), RESTART,
            "the bytes those packets may hold, the bound that matters for 64 KiB super-segments");
    static final Setting<Boolean> LEGACY = new Setting<>("protocol", NODE,
            Choice.of("secure", Map.entry("secure", false), Map.entry("legacy", true)), RESTART,
            "`legacy` speaks the original program's protocol, without authentication, to its nodes");
    static final Setting<List<String>> ROUTES = new Setting<>("routes", Set.of(HUB, CLIENT, CLIENT_ENTRY),
            new Texts("IP prefix, or a list", "none"), LIVE,
            "networks of either family behind the node, e.g. `[192.168.50.0/24, fd00:50::/64]`: the hub forwards a "
                    + "client's routes to it and pushes its own and every other client's to each client, which routes "
                    + "them into its TUN device; IPv6 ones need an IPv6 address on the hub; a client's must not "
                    + "overlap the tunnel network");
    static final Setting<Optional<String>> METRICS = new Setting<>("metrics", NODE,
            new Text("`false`, `true` or `host:port`", "`false`"), RESTART,
            "serves Prometheus text at `/metrics`; `true` at `" + hostPort(MetricsEndpoint.DEFAULT) + "`");
    static final Setting<LogLevel> LOG_LEVEL = new Setting<>("log-level", NODE,
            Choice.of(LogLevel.class, LogLevel.info), LIVE,
            "the least severe level logged; `lwt run --log-level` overrides it, and a reload then keeps that");
    static final Setting<Selection> TUN = new Setting<>("tun", NODE,
            new Plugin("linux"), RESTART,
            "the TUN driver; `linux` takes `configure` and `offload` ([install.md](install.md))");
    static final Setting<List<Selection>> TRANSPORT = new Setting<>("transport", NODE,
            new Plugins("tcp"), RESTART,
            "how nodes connect: `tcp`, `tls` ([tls.md](tls.md)) or `udp` ([transports.md](transports.md)); a list such "
                    + "as `[udp, tcp]` makes a hub listen with each (one over TCP and one over UDP at most, on the same "
                    + "port) and a client try them in order, falling back to the next when one fails; all take "
                    + "`send-buffer` and `receive-buffer` (bytes), `tcp` also `unsent-limit` (TCP_NOTSENT_LOWAT, default "
                    + "16 KiB, 0 for the system's), `udp` also `offload` (segmentation and receive offloads, default "
                    + "true)");
    /** The original program's framing, and the only codec that goes with a datagram transport (which frames nothing). */
    static final String DEFAULT_CODEC = "length-prefix";
    static final Setting<Selection> CODEC = new Setting<>("codec", NODE,
            new Plugin(DEFAULT_CODEC), RESTART,
            "the framing, the same on a hub and its clients: `length-prefix`, `websocket` or `padded` "
                    + "([codecs.md](codecs.md))");

    static final Setting<InetSocketAddress> LISTEN = new Setting<>("listen", Set.of(HUB),
            new Endpoint(), RESTART,
            "where the hub accepts connections; `[::]:9000` takes IPv4 and IPv6 ones");
    static final Setting<Integer> MAX_CLIENTS = new Setting<>("max-clients", Set.of(HUB),
            new Integers(1, MOST, HubSpec.DEFAULT_MAX_CLIENTS), LIVE,
            "clients served at once, counting only sessions past their handshake; one more is told in the handshake "
                    + "that the hub is full, and retries later");
    static final Setting<Selection> ROUTING = new Setting<>("routing", Set.of(HUB),
            new Plugin("hub"), LIVE,
            "the routing policy: `hub` (clients reach each other) or `isolated` (clients reach only the hub)");
    static final Setting<Optional<Selection>> CLUSTER = new Setting<>("cluster", Set.of(HUB),
            new OptionalPlugin(), RESTART,
            "the store that the hubs of one network share, e.g. `{etcd: {endpoints: [http://192.0.2.5:2379]}}`: which "
                    + "hubs there are, where each client is, and the pool's addresses, so that a client keeps its "
                    + "address on any hub ([cluster.md](cluster.md)); without it a hub serves alone");
    static final Setting<Optional<String>> ADVERTISE = new Setting<>("advertise", Set.of(HUB),
            new Text("`host:port`", "`listen`, which must then name an address"), RESTART,
            "where the other hubs of its cluster reach this hub");
    static final Setting<Optional<Config>> CLIENTS = new Setting<>("clients", Set.of(HUB),
            new Mapping("mapping of names to entries", "none"), LIVE,
            "clients not defined as nodes of the file: `NAME: {key: ..., address: ..., routes: [...]}`; the hub also "
                    + "accepts every secure client node of its file, and every client `lwt invite` added: one entry "
                    + "each in `clients.d/NODE/NAME.yaml` beside the file ([install.md](install.md#inviting-clients))");
    static final Setting<List<String>> POOL = new Setting<>("pool", Set.of(HUB),
            new Texts("address range, or a list of an IPv4 and an IPv6 one", "none"), RESTART,
            "addresses for clients without a fixed one, e.g. `[10.0.0.100-10.0.0.199, fd00::100-fd00::1ff]`, "
                    + "each kept for its client across restarts: inside the hub's network, without the hub's own, "
                    + "the network and the broadcast address (IPv6: the subnet-router anycast `PREFIX::`)");
    static final Setting<Optional<String>> STATE = new Setting<>("state", Set.of(HUB),
            new Text("file", "`NODE-pool.state` beside the file"), RESTART,
            "where the pool remembers which client has which address");
    static final Setting<Duration> HANDSHAKE_TIMEOUT = new Setting<>("handshake-timeout", Set.of(HUB),
            new Durations(HubAccess.Secure.DEFAULT_HANDSHAKE_TIMEOUT), RESTART,
            "a connection that has not authenticated by then is closed");
    static final Setting<Integer> MAX_HANDSHAKES = new Setting<>("max-handshakes", Set.of(HUB),
            new Integers(1, MOST, HubAccess.Secure.DEFAULT_MAX_HANDSHAKES), LIVE,
            "connections in the handshake at once, at most 8 of them from one address and 32 from one IPv4 /24 or "
                    + "IPv6 /64 (more are refused); when all are taken a newcomer evicts the oldest, and while half are "
                    + "a handshake has 2 s ([security.md](security.md))");
    static final Setting<Integer> CONNECTION_RATE = new Setting<>("connection-rate", Set.of(HUB),
            new Integers(1, MOST, HubAccess.Secure.DEFAULT_CONNECTION_RATE), LIVE,
            "new connections per second from one IPv4 address or IPv6 /64; further ones are refused");
    static final Setting<Boolean> INSECURE = new Setting<>("insecure", Set.of(HUB),
            new Flag(false), LIVE,
            "`true` silences the warning a legacy hub gives at every start when its transport does not encrypt");
    static final Setting<Optional<String>> STATIC_KEY = new Setting<>("static-key", Set.of(HUB),
            new Text("key", "`auto`: made at the first start, kept in `noise/NODE.key` beside the file"), RESTART,
            "the hub's Curve25519 private key, by which clients authenticate it: `auto`, `file:PATH`, `env:VARIABLE` "
                    + "or inline (warned about); `lwt keygen --hub` makes one, `lwt keygen --public FILE` shows its "
                    + "public key");
    static final Setting<Optional<String>> HUB_KEY = new Setting<>("hub-key", Set.of(CLIENT),
            new Text("key", "the public key of the hub defined in the same file"), RESTART,
            "the hub's public key (44 characters of base64), which the client pins: the hub prints it at its first "
                    + "start, `lwt init` writes it");

    static final Setting<List<InetSocketAddress>> CONNECT = new Setting<>("connect", Set.of(CLIENT),
            new Endpoints(), RESTART,
            "the hub's address; a name is looked up at each dial, so the client follows the hub's DNS; a list, e.g. "
                    + "`[hub-a:9000, hub-b:9000]`, names the hubs of one network: the client picks one at random and "
                    + "fails over to another when its session ends ([cluster.md](cluster.md))");
    static final Setting<Optional<String>> KEY = new Setting<>("key", Set.of(CLIENT),
            new Text("key", "none: then a client certificate must authenticate it"), RESTART,
            "the pre-shared key: `file:PATH` (relative to the file), `env:VARIABLE`, or inline (warned about); "
                    + "`lwt keygen -o FILE` makes one, readable by its owner only");
    static final Setting<Optional<String>> IDENTITY = new Setting<>("identity", Set.of(CLIENT),
            new Text("text", "the node's name"), RESTART,
            "the client's name in the hub's entries (a hub in the same file knows it by it) and in its own logs; the "
                    + "hub tells clients apart by their keys");

    static final Setting<Optional<String>> ENTRY_KEY = new Setting<>("key", Set.of(CLIENT_ENTRY),
            new Text("key", "none: then a client certificate must authenticate it"), LIVE,
            "the client's pre-shared key, written as a client's `key`");
    static final Setting<List<String>> ENTRY_ADDRESS = new Setting<>("address", Set.of(CLIENT_ENTRY),
            new Texts("address, or a list of an IPv4 and an IPv6 one", "one from the pool"), LIVE,
            "the client's fixed tunnel address: of either family or both, inside the hub's network and outside "
                    + "the pool, as the pool's are");

    /** The table, in the reference's order. */
    static final List<Setting<?>> ALL = List.of(ROLE, NAME, ADDRESS, MTU, DEVICE, KEEPALIVE, TIMEOUT, SEND_QUEUE,
            SEND_QUEUE_BYTES, LEGACY, ROUTES, METRICS, LOG_LEVEL, TUN, TRANSPORT, CODEC, LISTEN, MAX_CLIENTS, ROUTING,
            CLUSTER, ADVERTISE, CLIENTS, POOL, STATE, HANDSHAKE_TIMEOUT, MAX_HANDSHAKES, CONNECTION_RATE, INSECURE, STATIC_KEY, CONNECT, KEY,
            HUB_KEY, IDENTITY, ENTRY_KEY, ENTRY_ADDRESS);

    private NodeSettings() {}

    /** The keys that may be written in {@code scope}. */
    static Set<String> keys(Scope scope) {
        return ALL.stream().filter(s -> s.scopes().contains(scope)).map(Setting::key)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The keys of hubs and clients together. */
    static Set<String> nodeKeys() {
        return ALL.stream().filter(s -> s.scopes().contains(HUB) || s.scopes().contains(CLIENT)).map(Setting::key)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The role a word names, if it names one. */
    static Optional<Scope> role(String word) {
        return ROLES.lookup(word);
    }

    /** The setting of {@code key} in {@code scope}. */
    static Optional<Setting<?>> find(Scope scope, String key) {
        return ALL.stream().filter(s -> s.key().equals(key) && s.scopes().contains(scope)).findFirst();
    }

    private static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
