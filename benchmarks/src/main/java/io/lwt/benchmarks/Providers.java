package io.lwt.benchmarks;

import io.lwt.api.Config;
import io.lwt.api.NamedProvider;
import java.util.ServiceLoader;

/** Built-in providers by name, found as the launcher finds them (their packages are not exported), with no keys. */
final class Providers {

    private Providers() {}

    static <T> T create(Class<? extends NamedProvider<T>> spi, String name) {
        NamedProvider<T> provider = ServiceLoader.load(spi).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + spi.getSimpleName() + " named " + name
                        + " on the module path"));
        return provider.create(Config.empty(name, Config.Location.of("benchmark")));
    }
}
