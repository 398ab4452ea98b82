package io.lwt.launcher;

import io.lwt.api.ConfigException;
import io.lwt.api.NamedProvider;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the discovered plugins. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the plugins by kind, name, module and origin (built-in or jar), and the jars skipped.")
final class PluginsCommand implements Callable<Integer> {

    @Mixin
    PluginOptions plugins = new PluginOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Providers providers;
        try {
            providers = plugins.discover();
        } catch (ConfigException | IllegalStateException e) {
            return Cli.fail(spec.commandLine().getErr(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        String format = "%-10s %-16s %-40s %s%n";
        out.printf(format, "KIND", "NAME", "MODULE", "ORIGIN");
        for (Providers.Kind kind : Providers.Kind.values()) {
            for (Map.Entry<String, NamedProvider<?>> e : providers.all(kind).entrySet()) {
                out.printf(format, kind.key, e.getKey(), Providers.module(e.getValue()), providers.origin(e.getValue()));
            }
        }
        providers.problems().forEach(p -> spec.commandLine().getErr().println("skipped: " + p));
        return 0;
    }
}
