package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.NamedProvider;
import io.lwt.api.cluster.ClusterStoreProvider;
import io.lwt.api.codec.CodecProvider;
import io.lwt.api.routing.RoutingProvider;
import io.lwt.api.transport.TransportProvider;
import io.lwt.api.tun.TunProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The plugins this process can use, by kind and name. Two providers of the same kind and name are an error that
 * names both modules, never a silent choice.
 */
final class Providers {

    /** The kinds of plugin, with the SPI each is found by and the YAML key that selects one. */
    enum Kind {
        TUN("tun", TunProvider.class),
        TRANSPORT("transport", TransportProvider.class),
        CODEC("codec", CodecProvider.class),
        ROUTING("routing", RoutingProvider.class),
        CLUSTER("cluster", ClusterStoreProvider.class);

        final String key;
        final Class<? extends NamedProvider<?>> spi;

        Kind(String key, Class<? extends NamedProvider<?>> spi) {
            this.key = key;
            this.spi = spi;
        }
    }

    private final Map<Kind, Map<String, NamedProvider<?>>> byKind = new TreeMap<>();
    private final Map<NamedProvider<?>, Path> jars = new IdentityHashMap<>();
    private final List<String> problems;

    private Providers(List<? extends NamedProvider<?>> builtIns, List<PluginJars.Loaded> plugins, List<String> problems) {
        this.problems = List.copyOf(problems);
        for (Kind kind : Kind.values()) {
            byKind.put(kind, new TreeMap<>());
        }
        builtIns.forEach(this::add);
        for (PluginJars.Loaded plugin : plugins) {
            jars.put(plugin.provider(), plugin.jar());
            add(plugin.provider());
        }
    }

    private void add(NamedProvider<?> provider) {
        Kind kind = kindOf(provider);
        NamedProvider<?> previous = byKind.get(kind).putIfAbsent(provider.name(), provider);
        if (previous != null) {
            throw new IllegalStateException("two " + kind.key + " plugins are named '" + provider.name() + "': "
                    + describe(previous) + " and " + describe(provider));
        }
    }

    /** The built-in providers of the boot layer, and those of every jar in the plugin directories. */
    static Providers discover(List<Path> pluginDirectories) {
        List<NamedProvider<?>> builtIns = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            ServiceLoader.load(ModuleLayer.boot(), kind.spi).forEach(builtIns::add);
        }
        List<PluginJars.Loaded> plugins = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path directory : pluginDirectories) {
            PluginJars.Result result = PluginJars.load(directory, Stream.of(Kind.values())
                    .<Class<? extends NamedProvider<?>>>map(k -> k.spi).toList());
            plugins.addAll(result.providers());
            problems.addAll(result.problems());
        }
        return new Providers(builtIns, plugins, problems);
    }

    /** Exactly these providers, e.g. for tests. */
    static Providers of(List<? extends NamedProvider<?>> providers) {
        return new Providers(providers, List.of(), List.of());
    }

    /** One line per plugin jar that could not be loaded. */
    List<String> problems() {
        return problems;
    }

    /** Where a provider comes from: "built-in", or the plugin jar's path. */
    String origin(NamedProvider<?> provider) {
        Path jar = jars.get(provider);
        return jar == null ? "built-in" : jar.toString();
    }

    private String describe(NamedProvider<?> provider) {
        Path jar = jars.get(provider);
        return module(provider) + (jar == null ? "" : " (" + jar + ")");
    }

    private static Kind kindOf(NamedProvider<?> provider) {
        for (Kind kind : Kind.values()) {
            if (kind.spi.isInstance(provider)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("not a plugin SPI: " + provider.getClass().getName());
    }

    /** A provider's module and version, or its class outside modules. */
    static String module(NamedProvider<?> provider) {
        Module module = provider.getClass().getModule();
        if (!module.isNamed()) {
            return provider.getClass().getName();
        }
        return module.getName() + module.getDescriptor().rawVersion().map(v -> "@" + v).orElse("");
    }

    Map<String, NamedProvider<?>> all(Kind kind) {
        return byKind.get(kind);
    }

    /** Builds the selected plugin from its section; an unknown name is an error at the name's location. */
    <T> T create(Kind kind, Class<T> type, Selection selection) {
        NamedProvider<?> provider = byKind.get(kind).get(selection.name());
        if (provider == null) {
            String hint = Config.closest(selection.name(), byKind.get(kind).keySet())
                    .map(n -> "; did you mean '" + n + "'?").orElse("");
            String broken = problems.isEmpty() ? "" : "; plugins that failed to load: " + String.join("; ", problems);
            throw new ConfigException(selection.location(), "unknown " + kind.key + " plugin '" + selection.name()
                    + "' (available: " + String.join(", ", byKind.get(kind).keySet()) + ")" + hint + broken);
        }
        return type.cast(provider.create(selection.section()));
    }
}
