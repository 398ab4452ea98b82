package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.NamedProvider;
import io.lwt.api.codec.CodecProvider;
import io.lwt.api.routing.RoutingProvider;
import io.lwt.api.transport.TransportProvider;
import io.lwt.api.tun.TunProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

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
        ROUTING("routing", RoutingProvider.class);

        final String key;
        final Class<? extends NamedProvider<?>> spi;

        Kind(String key, Class<? extends NamedProvider<?>> spi) {
            this.key = key;
            this.spi = spi;
        }
    }

    private final Map<Kind, Map<String, NamedProvider<?>>> byKind = new TreeMap<>();

    private Providers(List<? extends NamedProvider<?>> providers) {
        for (Kind kind : Kind.values()) {
            byKind.put(kind, new TreeMap<>());
        }
        for (NamedProvider<?> provider : providers) {
            Kind kind = kindOf(provider);
            NamedProvider<?> previous = byKind.get(kind).putIfAbsent(provider.name(), provider);
            if (previous != null) {
                throw new IllegalStateException("two " + kind.key + " plugins are named '" + provider.name() + "': "
                        + origin(previous) + " and " + origin(provider));
            }
        }
    }

    /** Every provider visible from the boot layer. */
    static Providers discover() {
        return discover(ModuleLayer.boot());
    }

    static Providers discover(ModuleLayer layer) {
        List<NamedProvider<?>> found = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            ServiceLoader.load(layer, kind.spi).forEach(found::add);
        }
        return new Providers(found);
    }

    /** Exactly these providers, e.g. for tests. */
    static Providers of(List<? extends NamedProvider<?>> providers) {
        return new Providers(providers);
    }

    private static Kind kindOf(NamedProvider<?> provider) {
        for (Kind kind : Kind.values()) {
            if (kind.spi.isInstance(provider)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("not a plugin SPI: " + provider.getClass().getName());
    }

    /** Where a provider comes from, for messages: its module and version, or its class outside modules. */
    static String origin(NamedProvider<?> provider) {
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
            throw new ConfigException(selection.location(), "unknown " + kind.key + " plugin '" + selection.name()
                    + "' (available: " + String.join(", ", byKind.get(kind).keySet()) + ")" + hint);
        }
        return type.cast(provider.create(selection.section()));
    }
}
