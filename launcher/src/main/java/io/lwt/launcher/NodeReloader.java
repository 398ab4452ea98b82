package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.core.HubNode;
import io.lwt.core.HubSpec;
import io.lwt.core.TunnelNode;
import io.lwt.launcher.Setting.Scope;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Re-reads a running node's topology file (on SIGHUP or {@code lwt reload}) and applies what can change without
 * dropping tunnels. The whole file is validated first, plugins included; an invalid one changes nothing.
 */
final class NodeReloader {

    private static final System.Logger LOG = System.getLogger(NodeReloader.class.getName());

    private final Path file;
    private final Topology.NodeDefinition started;
    private final Providers providers;
    private final TunnelNode running;
    private final boolean logLevelFromCommandLine;

    NodeReloader(Path file, Topology.NodeDefinition started, Providers providers, TunnelNode running,
            boolean logLevelFromCommandLine) {
        this.file = file;
        this.started = started;
        this.providers = providers;
        this.running = running;
        this.logLevelFromCommandLine = logLevelFromCommandLine;
    }

    /** Reloads and returns the report, one line each, also logged; a refused reload's line starts with "error: ". */
    synchronized List<String> reload() {
        Topology.NodeDefinition next;
        NodePlugins plugins;
        try {
            Topology topology = Topology.load(file);
            topology.warnings().forEach(w -> LOG.log(Level.WARNING, w));
            next = topology.select(started.name(), Config.Location.of(file.toString()));
            if (next.isHub() != started.isHub()) {
                throw new ConfigException(next.config().locationOf("role"), "the role changed: restart the node");
            }
            plugins = NodePlugins.of(next, providers);
        } catch (ConfigException | IllegalStateException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "reload refused, nothing changed: {0}", e.getMessage());
            return List.of(ControlSocket.ERROR + e.getMessage() + " (nothing changed)");
        }
        List<String> applied = new ArrayList<>();
        List<String> restart = needRestart(started.config(), next.config(), started.isHub() ? Scope.HUB : Scope.CLIENT);
        if (!logLevelFromCommandLine) {
            System.Logger.Level level = NodeSettings.LOG_LEVEL.read(next.config()).level;
            if (level != LineLoggerFinder.threshold()) {
                applied.add("log-level " + level.getName().toLowerCase(java.util.Locale.ROOT));
                LineLoggerFinder.configure(next.name(), level);
            }
        }
        if (running instanceof HubNode hub) {
            HubNode.Reload reload = hub.reload((HubSpec) next.spec(), plugins.routing());
            applied.addAll(reload.applied());
            if (!same(started.config().value("routing").orElse(null), next.config().value("routing").orElse(null))) {
                applied.add("routing " + next.routing().name());
            }
        }
        List<String> report = new ArrayList<>();
        report.add(applied.isEmpty() ? "reloaded " + file + ": nothing to apply" : "reloaded " + file + ": " + String.join("; ", applied));
        if (!restart.isEmpty()) {
            report.add("changed but kept until a restart: " + String.join(", ", restart));
        }
        report.forEach(line -> LOG.log(Level.INFO, line));
        return report;
    }

    /**
     * The keys of a node of {@code role} whose value changed from {@code before} to {@code after} and that the
     * settings table marks {@link Setting.Reload#RESTART}: what a reload keeps until a restart, in file order.
     */
    static List<String> needRestart(Config before, Config after, Scope role) {
        List<String> restart = new ArrayList<>();
        for (String key : union(before.keys(), after.keys())) {
            boolean changed = !same(before.value(key).orElse(null), after.value(key).orElse(null));
            boolean live = NodeSettings.find(role, key).map(s -> s.reload() == Setting.Reload.LIVE).orElse(false);
            if (changed && !live) {
                restart.add(key);
            }
        }
        return restart;
    }

    private static List<String> union(Set<String> a, Set<String> b) {
        List<String> keys = new ArrayList<>(a);
        b.stream().filter(k -> !a.contains(k)).forEach(keys::add);
        return keys;
    }

    /** Whether two values are written the same, wherever they are in the file. */
    static boolean same(ConfigValue a, ConfigValue b) {
        return switch (a) {
            case null -> b == null;
            case ConfigValue.Scalar(String text, Config.Location ignored) ->
                    b instanceof ConfigValue.Scalar(String other, Config.Location at) && java.util.Objects.equals(text, other);
            case ConfigValue.Sequence(List<ConfigValue> items, Config.Location ignored) ->
                    b instanceof ConfigValue.Sequence(List<ConfigValue> others, Config.Location at) && items.size() == others.size()
                    && java.util.stream.IntStream.range(0, items.size()).allMatch(i -> same(items.get(i), others.get(i)));
            case Config section -> b instanceof Config other && section.keys().equals(other.keys())
                    && section.keys().stream().allMatch(k -> same(section.value(k).orElseThrow(), other.value(k).orElseThrow()));
        };
    }
}
