package io.lwt.launcher;

import io.lwt.api.NamedProvider;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the discovered plugins. */
@Command(name = "plugins", mixinStandardHelpOptions = true, description = "List the discovered plugins by kind, name and module.")
final class PluginsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Providers providers;
        try {
            providers = Providers.discover();
        } catch (IllegalStateException e) {
            return Cli.fail(spec.commandLine().getErr(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        String format = "%-10s %-16s %s%n";
        out.printf(format, "KIND", "NAME", "MODULE");
        for (Providers.Kind kind : Providers.Kind.values()) {
            for (Map.Entry<String, NamedProvider<?>> e : providers.all(kind).entrySet()) {
                out.printf(format, kind.key, e.getKey(), Providers.origin(e.getValue()));
            }
        }
        return 0;
    }
}
