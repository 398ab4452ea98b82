package io.lwt.launcher;

import io.lwt.api.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Validates a topology file completely, plugin settings included, without root and without touching the system. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a topology file without root: prints the first error as file:line:column: message.")
final class CheckCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "the topology file")
    Path file;

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            Topology topology = Topology.load(file);
            topology.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
            Providers providers = plugins.discover();
            providers.problems().forEach(p -> spec.commandLine().getErr().println("warning: plugin skipped: " + p));
            for (Topology.NodeDefinition node : topology.nodes().values()) {
                NodePlugins.of(node, providers).warnings(node)
                        .forEach(w -> spec.commandLine().getErr().println("warning: " + w));
                if (!node.isHub() && node.unsavedKey() != null) { // a hub's own makes it at its first start
                    spec.commandLine().getErr().println("warning: " + node.name() + " pins the key of the hub in this "
                            + "file, which has none yet (" + node.unsavedKey() + "): start the hub before it, or set hub-key");
                }
            }
            spec.commandLine().getOut().println(file + ": ok (" + topology.nodes().size() + " node"
                    + (topology.nodes().size() == 1 ? "" : "s") + ": " + String.join(", ", topology.names()) + ")");
            return 0;
        } catch (ConfigException | IllegalStateException e) {
            return Cli.fail(spec.commandLine().getErr(), e);
        }
    }
}
