package io.lwt.launcher;

import io.lwt.api.NamedProvider;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * Third-party plugins: every jar in a plugin directory gets a child module layer of its own, so one broken jar
 * (a missing dependency, a split package, a failing constructor, the wrong api version) is reported in one line and
 * skipped without taking the others down. A modular jar is a named module; a plain jar with META-INF/services
 * becomes an automatic module.
 *
 * <p>Compatibility rule: a plugin must be built against the same major.minor api version as the running one (any
 * api version while the major is 0 changes only with the minor). A modular jar records that version when it is
 * compiled ({@code requires io.lwt.api} keeps the compiled version); a plain jar states it in its manifest as
 * {@code Lwt-Api-Version}.
 *
 * <p>A plugin directory or jar that group or others may write is refused with an error, not skipped: whoever can
 * replace a jar runs code in lwt, usually as root ({@link FileModes}).
 */
final class PluginJars {

    static final String API_MODULE = "io.lwt.api";
    static final String MANIFEST_API_VERSION = "Lwt-Api-Version";

    /** A provider and where it came from. */
    record Loaded(NamedProvider<?> provider, Path jar) {}

    /** What loading a directory gave: the providers, and one line per plugin that could not be loaded. */
    record Result(List<Loaded> providers, List<String> problems) {}

    private PluginJars() {}

    static Result load(Path directory, List<Class<? extends NamedProvider<?>>> spis) {
        List<Loaded> loaded = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return new Result(loaded, problems);
        }
        FileModes.requireTrusted(directory);
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.jar")) {
            stream.forEach(jars::add);
        } catch (IOException e) {
            problems.add(directory + ": cannot list plugins: " + e.getMessage());
        }
        jars.sort(null);
        for (Path jar : jars) {
            FileModes.requireTrusted(jar);
            try {
                ModuleLayer layer = layerOf(jar);
                for (Class<? extends NamedProvider<?>> spi : spis) {
                    ServiceLoader.load(layer, spi).stream()
                            .filter(p -> p.type().getModule().getLayer() == layer) // not the parents' built-ins
                            .forEach(p -> {
                                try {
                                    loaded.add(new Loaded(p.get(), jar));
                                } catch (ServiceConfigurationError e) {
                                    problems.add(jar + ": " + p.type().getName() + " failed: " + rootMessage(e));
                                }
                            });
                }
            } catch (PluginException | FindException | ResolutionException | LayerInstantiationException
                    | ServiceConfigurationError e) {
                problems.add(jar + ": " + rootMessage(e));
            }
        }
        return new Result(loaded, problems);
    }

    private static ModuleLayer layerOf(Path jar) {
        ModuleFinder finder = ModuleFinder.of(jar);
        ModuleReference reference = finder.findAll().stream().findFirst()
                .orElseThrow(() -> new PluginException("not a module or a jar"));
        ModuleDescriptor descriptor = reference.descriptor();
        checkApiVersion(jar, descriptor);
        ModuleLayer boot = ModuleLayer.boot();
        Configuration configuration = boot.configuration().resolveAndBind(finder, ModuleFinder.of(), Set.of(descriptor.name()));
        return boot.defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
    }

    private static void checkApiVersion(Path jar, ModuleDescriptor descriptor) {
        Optional<String> built = descriptor.isAutomatic() ? manifestApiVersion(jar)
                : descriptor.requires().stream().filter(r -> r.name().equals(API_MODULE)).findFirst()
                        .flatMap(ModuleDescriptor.Requires::rawCompiledVersion);
        String running = ModuleLayer.boot().findModule(API_MODULE).flatMap(m -> m.getDescriptor().rawVersion())
                .orElse("unknown");
        if (built.isEmpty()) {
            throw new PluginException("declares no api version (" + (descriptor.isAutomatic()
                    ? "add " + MANIFEST_API_VERSION + " to its manifest" : "compile it with requires " + API_MODULE)
                    + "); this lwt runs api " + running);
        }
        if (!majorMinor(built.get()).equals(majorMinor(running))) {
            throw new PluginException("built against api " + built.get() + ", but this lwt runs api " + running
                    + " (major.minor must match)");
        }
    }

    private static Optional<String> manifestApiVersion(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return Optional.ofNullable(file.getManifest()).map(m -> m.getMainAttributes().getValue(MANIFEST_API_VERSION));
        } catch (IOException e) {
            throw new PluginException("cannot read its manifest: " + e.getMessage());
        }
    }

    /** {@code 1.2} of {@code 1.2.3-SNAPSHOT}. */
    static String majorMinor(String version) {
        String[] parts = version.split("[.-]");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : parts[0];
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return t == e ? message : message + " (" + t.getClass().getSimpleName() + ")";
    }

    /** Why a jar cannot be a plugin. */
    private static final class PluginException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PluginException(String message) {
            super(message);
        }
    }
}
