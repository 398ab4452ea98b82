package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The original Go program's command line, so its users can switch by replacing only the binary. Flags and its JSON
 * config file map onto a one-node topology, which then goes through the same validation as a YAML file.
 * See docs/legacy-flags.md.
 */
@Command(name = "lwt", description = "The original lightweight-tunnel flags (see docs/legacy-flags.md).")
final class LegacyCommand implements Callable<Integer> {

    private static final Set<String> FLAGS = Set.of("-m", "-l", "-r", "-t", "-mtu", "-send-queue", "-recv-queue",
            "-multi-client", "-max-clients", "-client-isolation", "-c", "-g", "-v", "-fec-data", "-fec-parity", "-tls",
            "-tls-cert", "-tls-key", "-tls-skip-verify");

    /** JSON config keys of the original, and the node key each maps to ("" when it has no effect here). */
    private static final Map<String, String> JSON_KEYS = Map.ofEntries(
            Map.entry("mode", "role"), Map.entry("local_addr", "listen"), Map.entry("remote_addr", "connect"),
            Map.entry("tunnel_addr", "address"), Map.entry("mtu", "mtu"), Map.entry("timeout", "timeout"),
            Map.entry("keepalive", "keepalive"), Map.entry("send_queue_size", "send-queue"),
            Map.entry("max_clients", "max-clients"), Map.entry("tun_name", "device"),
            Map.entry("multi_client", ""), Map.entry("client_isolation", ""), Map.entry("recv_queue_size", ""),
            Map.entry("fec_data", ""), Map.entry("fec_parity", ""), Map.entry("transport", ""),
            Map.entry("tls_enabled", ""), Map.entry("tls_cert_file", ""), Map.entry("tls_key_file", ""),
            Map.entry("tls_skip_verify", ""));

    private static final Set<String> SERVER_ONLY_KEYS = Set.of("listen", "max-clients");
    private static final Set<String> CLIENT_ONLY_KEYS = Set.of("connect");

    @Option(names = "-m", paramLabel = "MODE", defaultValue = "server", description = "server or client")
    String mode;

    @Option(names = "-l", paramLabel = "ADDR", defaultValue = "0.0.0.0:9000", description = "listen address (server)")
    String listen;

    @Option(names = "-r", paramLabel = "ADDR", description = "server address (client)")
    String remote;

    @Option(names = "-t", paramLabel = "CIDR", defaultValue = "10.0.0.1/24", description = "tunnel address")
    String tunnel;

    @Option(names = "-mtu", defaultValue = "1400")
    int mtu;

    @Option(names = "-send-queue", defaultValue = "5000")
    int sendQueue;

    @Option(names = "-recv-queue", description = "accepted; no effect (packets go straight to the TUN device)")
    Integer recvQueue;

    @Option(names = "-multi-client", arity = "0..1", fallbackValue = "true", defaultValue = "true")
    boolean multiClient;

    @Option(names = "-max-clients", defaultValue = "100")
    int maxClients;

    @Option(names = "-client-isolation", arity = "0..1", fallbackValue = "true", defaultValue = "false")
    boolean clientIsolation;

    @Option(names = "-c", paramLabel = "FILE", description = "the original's JSON config file")
    Path configFile;

    @Option(names = "-g", paramLabel = "FILE", description = "write example JSON configs FILE and FILE.client")
    Path generate;

    @Option(names = "-v", description = "print the version")
    boolean version;

    @Option(names = {"-fec-data", "-fec-parity"}, paramLabel = "N")
    Integer fec;

    @Option(names = "-tls", arity = "0..1", fallbackValue = "true", defaultValue = "false")
    boolean tls;

    @Option(names = "-tls-cert", paramLabel = "FILE", description = "the server's PEM certificate chain")
    String tlsCertificate;

    @Option(names = "-tls-key", paramLabel = "FILE", description = "the server's PEM private key")
    String tlsKey;

    @Option(names = "-tls-skip-verify", arity = "0..1", fallbackValue = "true", defaultValue = "false")
    boolean tlsSkipVerify;

    @Spec
    CommandSpec spec;

    /** Whether a command line is in the original's form: its first argument is one of its single-dash flags. */
    static boolean isLegacy(String[] args) {
        return args.length > 0 && FLAGS.contains(args[0].split("=", 2)[0]);
    }

    static CommandLine commandLine() {
        return new CommandLine(new LegacyCommand()).setPosixClusteredShortOptionsAllowed(false);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (version) {
            out.println(Lwt.Version.text());
            return 0;
        }
        if (fec != null) {
            err.println("lwt: -fec-data/-fec-parity ignored: FEC does not apply over TCP (the original never applied it either)");
        }
        if (recvQueue != null) {
            err.println("lwt: -recv-queue ignored: received packets go straight to the TUN device");
        }
        try {
            if (generate != null) {
                return writeExamples(out);
            }
            Topology topology = configFile != null ? topology(YamlConfig.read(configFile), err)
                    : Topology.parse(fromFlags(), Path.of(""));
            Topology.NodeDefinition node = topology.select(null, null);
            return RunCommand.run(node, topology.warnings(), Providers.discover(PluginOptions.directories(List.of())),
                    ControlSocket.defaultPath(node.name()), System.Logger.Level.INFO, err, null);
        } catch (ConfigException e) {
            return Cli.fail(err, e);
        } catch (IOException e) {
            return Cli.fail(err, e);
        }
    }

    private Config fromFlags() {
        Config.Builder node = Config.builder("", Config.Location.of("command line"));
        boolean server = mode.equals("server");
        node.put("role", server ? "hub" : mode.equals("client") ? "client" : mode)
                .put("protocol", "legacy")
                .put("address", tunnel)
                .put("mtu", Integer.toString(mtu))
                .put("send-queue", Integer.toString(sendQueue));
        if (server) {
            node.put("listen", listen)
                    .put("max-clients", Integer.toString(multiClient ? maxClients : 1))
                    .put("routing", clientIsolation ? "isolated" : "hub");
        } else if (remote != null) {
            node.put("connect", remote);
        }
        if (tls) {
            node.put("transport", tlsTransport(server, tlsCertificate, tlsKey, tlsSkipVerify, Config.Location.of("command line")));
        }
        return node.build();
    }

    /**
     * The original's TLS: a server with a certificate and key; a client that verifies the server against the system's
     * trust store and its name, or verifies nothing with skip-verify.
     */
    private static Config tlsTransport(boolean server, String certificate, String key, boolean skipVerify,
            Config.Location at) {
        Config.Builder tls = Config.builder("transport.tls", at);
        if (server) {
            if (certificate == null || key == null) {
                throw new ConfigException(at, "TLS on a server needs -tls-cert and -tls-key (tls_cert_file and tls_key_file)");
            }
            tls.put("certificate", certificate).put("private-key", key);
        } else {
            tls.put(skipVerify ? "insecure-skip-verify" : "trust", skipVerify ? "true" : "system");
        }
        return Config.builder("transport", at).put("tls", tls.build()).build();
    }

    /** The node that the original's JSON config describes; unsupported keys are reported to {@code err}. */
    static Topology.NodeDefinition definition(Config json, PrintWriter err) {
        return topology(json, err).select(null, null);
    }

    private static Topology topology(Config json, PrintWriter err) {
        return Topology.parse(fromJson(json, err), Path.of(""));
    }

    /** Maps the original's JSON keys onto node keys, keeping each value's location in the JSON file. */
    private static Config fromJson(Config json, PrintWriter err) {
        Config.Builder node = Config.builder("", json.location());
        String mode = json.string("mode", "server");
        boolean server = mode.equals("server");
        node.put("role", new ConfigValue.Scalar(server ? "hub" : mode.equals("client") ? "client" : mode,
                json.locationOf("mode")));
        node.put("protocol", "legacy"); // the original's peers speak no handshake
        for (String key : json.keys()) {
            String mapped = JSON_KEYS.get(key);
            if (mapped == null) {
                err.println("lwt: " + json.locationOf(key) + ": " + key + " ignored: not supported");
            } else if (!mapped.isEmpty() && !mapped.equals("role")
                    && !(server ? CLIENT_ONLY_KEYS : SERVER_ONLY_KEYS).contains(mapped)) { // the original ignores them too
                ConfigValue value = json.value(key).orElseThrow();
                node.put(mapped, key.equals("timeout") || key.equals("keepalive") ? seconds(value) : value);
            }
        }
        if (server) {
            boolean multi = json.bool("multi_client", true);
            if (!multi) {
                node.put("max-clients", new ConfigValue.Scalar("1", json.locationOf("multi_client")));
            }
            node.put("routing", new ConfigValue.Scalar(json.bool("client_isolation", false) ? "isolated" : "hub",
                    json.locationOf("client_isolation")));
            if (!json.has("local_addr")) {
                node.put("listen", "0.0.0.0:9000");
            }
        }
        if (!json.has("tunnel_addr")) {
            node.put("address", "10.0.0.1/24");
        }
        if (json.bool("tls_enabled", false)) {
            node.put("transport", tlsTransport(server, json.string("tls_cert_file").orElse(null),
                    json.string("tls_key_file").orElse(null), json.bool("tls_skip_verify", false),
                    json.locationOf("tls_enabled")));
        }
        return node.build();
    }

    /** The original counts timeouts in whole seconds. */
    private static ConfigValue seconds(ConfigValue value) {
        return value instanceof ConfigValue.Scalar(String text, Config.Location at) && text != null
                ? new ConfigValue.Scalar(text + "s", at) : value;
    }

    private int writeExamples(PrintWriter out) throws IOException {
        Files.writeString(generate, """
                {
                  "mode": "server",
                  "local_addr": "0.0.0.0:9000",
                  "tunnel_addr": "10.0.0.1/24",
                  "mtu": 1400,
                  "timeout": 30,
                  "keepalive": 10,
                  "send_queue_size": 5000,
                  "multi_client": true,
                  "max_clients": 100,
                  "client_isolation": false
                }
                """);
        Path client = Path.of(generate + ".client");
        Files.writeString(client, """
                {
                  "mode": "client",
                  "remote_addr": "SERVER_IP:9000",
                  "tunnel_addr": "10.0.0.2/24",
                  "mtu": 1400,
                  "timeout": 30,
                  "keepalive": 10
                }
                """);
        out.println("wrote " + generate + " (server) and " + client + " (client)");
        return 0;
    }
}
