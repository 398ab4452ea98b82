package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every built-in provider is declared with {@code provides} in its named module, the launcher {@code uses} every
 * SPI, and no module {@code requires} a plugin: a forgotten or stray line fails here, not for a user.
 */
class ModuleDescriptorsTest {

    private static final Map<String, String> PROVIDED_BY = Map.of(
            "io.lwt.tun.linux", "io.lwt.api.tun.TunProvider",
            "io.lwt.transport.tcp", "io.lwt.api.transport.TransportProvider",
            "io.lwt.transport.tls", "io.lwt.api.transport.TransportProvider",
            "io.lwt.transport.udp", "io.lwt.api.transport.TransportProvider",
            "io.lwt.cluster.etcd", "io.lwt.api.cluster.ClusterStoreProvider",
            "io.lwt.routing.hub", "io.lwt.api.routing.RoutingProvider",
            "io.lwt.routing.isolated", "io.lwt.api.routing.RoutingProvider");

    private static final Set<String> SPIS = Set.of("io.lwt.api.tun.TunProvider",
            "io.lwt.api.transport.TransportProvider", "io.lwt.api.codec.CodecProvider",
            "io.lwt.api.routing.RoutingProvider", "io.lwt.api.cluster.ClusterStoreProvider");

    private final ModuleFinder finder = ModuleFinder.of(BuiltModules.classesDirectories().toArray(Path[]::new));

    private ModuleDescriptor descriptor(String module) {
        return finder.find(module).map(ModuleReference::descriptor)
                .orElseThrow(() -> new AssertionError("module " + module + " not found"));
    }

    @Test
    void builtInsProvideTheirSpis() {
        PROVIDED_BY.forEach((module, spi) -> {
            Set<String> provided = descriptor(module).provides().stream()
                    .map(ModuleDescriptor.Provides::service).collect(Collectors.toSet());
            assertTrue(provided.contains(spi), module + " must provide " + spi + ", provides " + provided);
        });
        Set<String> codecs = descriptor("io.lwt.transport.tcp").provides().stream()
                .map(ModuleDescriptor.Provides::service).collect(Collectors.toSet());
        assertTrue(codecs.contains("io.lwt.api.codec.CodecProvider"), "length-prefix codec provided");
    }

    @Test
    void launcherUsesEverySpi() {
        assertEquals(SPIS, descriptor("io.lwt.launcher").uses().stream().filter(SPIS::contains).collect(Collectors.toSet()));
    }

    /** Plugins are found with ServiceLoader: a module that required one could not be linked without it. */
    @Test
    void noModuleRequiresAPlugin() {
        for (ModuleReference module : finder.findAll()) {
            Set<String> plugins = module.descriptor().requires().stream().map(ModuleDescriptor.Requires::name)
                    .filter(PROVIDED_BY::containsKey).collect(Collectors.toSet());
            assertEquals(Set.of(), plugins, module.descriptor().name() + " requires plugin modules");
        }
    }

    @Test
    void certificatesRequireNoModuleOfThisProject() {
        Set<String> own = descriptor("io.lwt.cert").requires().stream().map(ModuleDescriptor.Requires::name)
                .filter(name -> name.startsWith("io.lwt.")).collect(Collectors.toSet());
        assertEquals(Set.of(), own, "io.lwt.cert requires");
    }

    @Test
    void apiRequiresOnlyJavaBase() {
        assertEquals(Set.of("java.base"), descriptor("io.lwt.api").requires().stream()
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    }
}
