package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.IpPrefix;
import io.lwt.core.HubAccess;
import io.lwt.core.HubSpec;
import io.lwt.core.StaticKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Adds a client to a hub ({@link InvitedClients}: a file of its own beside the topology), has a running hub reload it
 * through its control socket, and prints the {@link InviteToken} the client joins with; or, with {@code --revoke},
 * removes an invited client and makes sure its session ends. Runs on the hub's machine, as the hub's owner.
 */
@Command(name = "invite", mixinStandardHelpOptions = true,
        description = {"Add a client to a hub and print the one line it joins with (lwt join TOKEN): the hub's "
                + "endpoint and public key, the client's name and its secret key. The hub's topology is not edited: "
                + "the client gets its own file, clients.d/HUB/NAME.yaml beside it, which a running hub reloads at once.",
                "With --revoke, remove an invited client and close its session."})
final class InviteCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "the client's name (1-63 letters, digits and . _ -)")
    String name;

    @Option(names = "--revoke", description = "remove the invited client NAME and close its session")
    boolean revoke;

    @Option(names = "--hub", paramLabel = "NODE",
            description = "the hub node (default: the file's only hub); its socket is /run/lwt/NODE.sock")
    String hub;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "the hub's topology file (default /etc/lwt/NODE.yaml, NODE given by --hub)")
    Path config;

    @Option(names = "--socket", paramLabel = "PATH", description = "the hub's control socket")
    Path socket;

    @Option(names = "--endpoint", paramLabel = "HOST:PORT",
            description = "where the client dials the hub (default: the hub's listen address, unless it is a wildcard)")
    String endpoint;

    @Option(names = "--address", paramLabel = "ADDRESS", split = ",",
            description = "the client's fixed tunnel address(es), one of each family (default: one from the pool)")
    List<String> addresses = new ArrayList<>();

    @Option(names = "--routes", paramLabel = "PREFIX", split = ",",
            description = "networks behind the client, e.g. 192.168.50.0/24")
    List<String> routes = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (!InviteToken.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(name + " is not a client's name: 1-63 letters, digits and . _ -");
            }
            if (config == null && hub == null) {
                throw new IllegalArgumentException("name the hub's file with --config FILE, or the hub with --hub NODE "
                        + "(file /etc/lwt/NODE.yaml)");
            }
            Path file = config != null ? config : Path.of("/etc/lwt", hub + ".yaml");
            Topology.NodeDefinition definition = hubOf(Topology.load(file), file);
            Path control = socket != null ? socket : ControlSocket.defaultPath(definition.name());
            Path entry = InvitedClients.file(Topology.baseDir(file), definition.name(), name);
            return revoke ? revoke(file, definition, entry, control) : invite(file, definition, entry, control);
        } catch (ConfigException | IllegalArgumentException | IllegalStateException | IOException e) {
            return Cli.fail(err, e);
        }
    }

    private int invite(Path file, Topology.NodeDefinition definition, Path entry, Path control) throws IOException {
        HubSpec spec = (HubSpec) definition.spec();
        HubAccess.Secure access = (HubAccess.Secure) spec.access();
        if (access.clients().containsKey(name)) {
            throw new IllegalStateException(name + " is already a client of " + definition.name()
                    + (Files.exists(entry) ? " (" + entry + "); lwt invite --revoke " + name + " removes it" : " in " + file));
        }
        if (addresses.isEmpty() && access.pool() == null) {
            throw new IllegalArgumentException("the hub has no pool: give the client an address with --address");
        }
        String dial = endpoint != null ? endpoint : endpointOf(spec.listen());
        String key = Keys.generate();
        if (definition.unsavedKey() != null) { // the hub has not started yet: keep the key its clients will pin
            Keys.saveStatic(definition.unsavedKey(), access.staticKey());
        }
        InviteToken token = new InviteToken(name, dial, StaticKeys.publicKey(access.staticKey()),
                Base64.getDecoder().decode(key), spec.tun().mtu());
        try {
            InvitedClients.write(entry, name, key, addresses, routes,
                    InvitedClients.reader(Topology.baseDir(file), definition.name(), file));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException(entry + " exists; lwt invite --revoke " + name + " removes it");
        }
        try {
            hubOf(Topology.load(file), file); // the hub's file with the new client, checked as a reload would
        } catch (ConfigException | IllegalArgumentException e) {
            Files.deleteIfExists(entry);
            throw e;
        }
        String reloaded;
        try {
            reloaded = reload(control);
        } catch (IllegalStateException refused) { // a plugin's check the file alone could not make: leave nothing behind
            Files.deleteIfExists(entry);
            throw refused;
        }
        PrintWriter err = this.spec.commandLine().getErr();
        err.println("invited " + name + " to hub " + definition.name() + ": wrote " + entry);
        err.println(reloaded);
        List<String> transports = definition.transports().stream().map(Selection::name).toList();
        if (!transports.equals(List.of("tcp")) || !definition.codec().name().equals("length-prefix")) {
            err.println("The hub uses transport " + String.join(" and ", transports) + " and codec "
                    + definition.codec().name() + ", which the line does not carry: after lwt join, add the same "
                    + "transport: and codec: settings to the client's file (docs/configuration.md)");
        }
        err.println("Give " + name + " the line below, and no one else: it is a secret, holding " + name
                + "'s key. On its machine: lwt join TOKEN");
        this.spec.commandLine().getOut().println(token.text());
        return 0;
    }

    private int revoke(Path file, Topology.NodeDefinition definition, Path entry, Path control) throws IOException {
        if (!Files.exists(entry)) {
            boolean listed = ((HubAccess.Secure) ((HubSpec) definition.spec()).access()).clients().containsKey(name);
            throw new IllegalStateException(listed ? name + " was not invited but is written in " + file
                    + ": remove it there, then lwt reload" : "no invited client " + name + " (no " + entry + ")");
        }
        Files.delete(entry);
        PrintWriter out = spec.commandLine().getOut();
        out.println("revoked " + name + ": deleted " + entry);
        out.println(reload(control));
        try { // the reload closed its session; a kick makes sure of it
            String kicked = ControlSocket.ask(control, "kick " + name).strip();
            out.println(kicked.startsWith(ControlSocket.ERROR) ? "no session of " + name + " is left" : kicked);
        } catch (IOException notRunning) {
            // reload() said so
        }
        return 0;
    }

    /** Asks a running hub to reload; what it did, or that the change waits for its next start. */
    private static String reload(Path control) {
        try {
            String answer = ControlSocket.ask(control, "reload").strip();
            if (answer.startsWith(ControlSocket.ERROR)) {
                throw new IllegalStateException("the running hub refused the reload: "
                        + answer.substring(ControlSocket.ERROR.length()));
            }
            return "the running hub applied it: " + answer.lines().findFirst().orElse(answer);
        } catch (IOException e) {
            return "the hub is not running (no " + control + "): it applies the change at its next start";
        }
    }

    /** The hub node to invite to: {@code --hub}, or the file's only hub; a secure one. */
    private Topology.NodeDefinition hubOf(Topology topology, Path file) {
        Config.Location where = Config.Location.of(file.toString());
        List<Topology.NodeDefinition> hubs = topology.nodes().values().stream()
                .filter(Topology.NodeDefinition::isHub).toList();
        Topology.NodeDefinition chosen;
        if (hub != null) {
            chosen = topology.select(hub, where);
            if (!chosen.isHub()) {
                throw new ConfigException(where, hub + " is a client, not a hub");
            }
        } else if (hubs.size() == 1) {
            chosen = hubs.getFirst();
        } else {
            throw new ConfigException(where, "the file defines " + hubs.size() + " hubs: choose one with --hub");
        }
        if (!(((HubSpec) chosen.spec()).access() instanceof HubAccess.Secure)) {
            throw new ConfigException(where, "hub " + chosen.name() + " runs protocol: legacy, which has no clients to invite");
        }
        return chosen;
    }

    /** The hub's listen address as a client dials it; a wildcard one names no host a client could dial. */
    private static String endpointOf(InetSocketAddress listen) {
        if (listen.getAddress() == null || listen.getAddress().isAnyLocalAddress()) {
            throw new IllegalArgumentException("the hub listens on every address (port " + listen.getPort()
                    + "): give the address clients dial with --endpoint HOST:" + listen.getPort());
        }
        String host = IpPrefix.text(listen.getAddress());
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + listen.getPort();
    }
}
