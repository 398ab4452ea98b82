package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.core.HubAccess;
import io.lwt.core.HubSpec;
import io.lwt.core.StaticKeys;
import io.lwt.core.TunnelNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs one node of a topology until SIGINT or SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one node of a topology file until SIGINT or SIGTERM, which close its sessions, remove its "
                + "TUN device and exit 0.")
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "the topology file")
    Path file;

    @Option(names = "--node", paramLabel = "NAME", description = "the node to run; required when the file has several")
    String node;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "${COMPLETION-CANDIDATES} (default: the node's log-level, else info); a reload then keeps it")
    LogLevel logLevel;

    @Option(names = "--control", paramLabel = "PATH",
            description = "the control socket for lwt status (default /run/lwt/NODE.sock)")
    Path control;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            Topology topology = Topology.load(file);
            Topology.NodeDefinition definition = topology.select(node, Config.Location.of(file.toString()));
            Path socket = control != null ? control : ControlSocket.defaultPath(definition.name());
            System.Logger.Level level = logLevel != null ? logLevel.level
                    : NodeSettings.LOG_LEVEL.read(definition.config()).level;
            Providers providers = plugins.discover(); // once: the plugin directories are checked and loaded once
            return run(definition, topology.warnings(), providers, socket, level, spec.commandLine().getErr(),
                    running -> new NodeReloader(file, definition, providers, running, logLevel != null));
        } catch (ConfigException e) {
            return Cli.fail(spec.commandLine().getErr(), e);
        }
    }

    /**
     * A hub keeps the static key it made at its first start (returns true then); a client whose hub in the same file
     * has made no key yet cannot know which key to pin.
     */
    private static boolean staticKey(Topology.NodeDefinition definition) throws IOException {
        if (definition.unsavedKey() == null) {
            return false;
        }
        if (!(definition.spec() instanceof HubSpec hub) || !(hub.access() instanceof HubAccess.Secure secure)) {
            throw new ConfigException(definition.config().location(), definition.config().qualified("hub-key")
                    + ": missing, and the hub of this file has not made its static key yet (" + definition.unsavedKey()
                    + "): start the hub first, or set hub-key");
        }
        Keys.saveStatic(definition.unsavedKey(), secure.staticKey());
        return true;
    }

    /** A running hub says which public key its clients pin, and where it keeps a key it just made. */
    private static void announceKey(Topology.NodeDefinition definition, boolean made, System.Logger log) {
        if (definition.spec() instanceof HubSpec hub && hub.access() instanceof HubAccess.Secure secure) {
            if (made) {
                log.log(System.Logger.Level.INFO, "made the hub's static key " + definition.unsavedKey());
            }
            log.log(System.Logger.Level.INFO, "the hub's public key, which its clients pin as hub-key: "
                    + StaticKeys.text(StaticKeys.publicKey(secure.staticKey())));
        }
    }

    /**
     * Starts a node, stops it on SIGINT/SIGTERM, reloads it on SIGHUP or {@code lwt reload} when it has a
     * {@code reloader}, and waits. Shared with the original program's front end, which has no file to reload.
     */
    static int run(Topology.NodeDefinition definition, List<String> warnings, Providers providers, Path control,
            System.Logger.Level level, PrintWriter err, java.util.function.Function<TunnelNode, NodeReloader> reloader) {
        LineLoggerFinder.configure(definition.name(), level);
        System.Logger log = System.getLogger(RunCommand.class.getName());
        warnings.forEach(w -> log.log(System.Logger.Level.WARNING, w));
        providers.problems().forEach(p -> log.log(System.Logger.Level.WARNING, "plugin skipped: " + p));
        TunnelNode running;
        try {
            boolean madeKey = staticKey(definition);
            NodePlugins nodePlugins = NodePlugins.of(definition, providers);
            nodePlugins.warnings(definition).forEach(w -> log.log(System.Logger.Level.WARNING, w));
            running = nodePlugins.start(definition);
            announceKey(definition, madeKey, log);
        } catch (ConfigException | IOException | IllegalStateException | IllegalArgumentException e) {
            return Cli.fail(err, e);
        }
        NodeReloader reloads = reloader == null ? null : reloader.apply(running);
        if (reloads != null) {
            // the JVM keeps a signal ignored at start-up ignored (nohup does that to SIGHUP), and says so only here
            if (Signal.handle(new Signal("HUP"), signal -> reloads.reload()) == SignalHandler.SIG_IGN) {
                log.log(System.Logger.Level.WARNING, "SIGHUP is ignored by this process (started by nohup?): "
                        + "it cannot reload the node; lwt reload can");
            }
        }
        ControlSocket socket;
        try {
            socket = ControlSocket.open(control, running, reloads);
        } catch (IOException | RuntimeException e) {
            socket = null;
            log.log(System.Logger.Level.WARNING, "no control socket at " + control + ": " + e.getMessage());
        }
        ControlSocket statusSocket = socket;
        MetricsEndpoint metrics = null;
        java.util.Optional<java.net.InetSocketAddress> metricsAddress = Topology.metrics(definition.config());
        if (metricsAddress.isPresent()) {
            try {
                metrics = MetricsEndpoint.start(metricsAddress.get(), running);
                log.log(System.Logger.Level.INFO, "metrics at http://" + metrics.address().getHostString() + ":"
                        + metrics.address().getPort() + "/metrics");
            } catch (IOException e) {
                running.close();
                return Cli.fail(err, new IOException("cannot serve metrics on " + metricsAddress.get() + ": " + e.getMessage()));
            }
        }
        Thread stopOnSignal = new Thread(() -> {
            running.close();
            if (statusSocket != null) {
                statusSocket.close();
            }
            // A signal would make the JVM exit with 128+signal; a node that closed cleanly exits 0.
            Runtime.getRuntime().halt(0);
        }, "lwt-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        try {
            running.awaitTermination();
        } catch (InterruptedException e) {
            running.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnSignal); // stopped by itself: exit with its own code
            if (statusSocket != null) {
                statusSocket.close();
            }
            if (metrics != null) {
                metrics.close();
            }
        } catch (IllegalStateException signalled) {
            // already shutting down on a signal: the hook decides the exit code
        }
        return running.failure().map(failure -> Cli.fail(err, failure)).orElse(0);
    }
}
