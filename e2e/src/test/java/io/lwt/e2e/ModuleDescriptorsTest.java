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
 * Every built-in provider is declared with {@code provides} in its named module, and the launcher {@code uses}
 * every SPI: a forgotten line fails here, not for a user.
 */
class ModuleDescriptorsTest {

    private static final Map<String, String> PROVIDED_BY = Map.of(
            "io.lwt.tun.linux", "io.lwt.api.tun.TunProvider",
            "io.lwt.transport.tcp", "io.lwt.api.transport.TransportProvider",
            "io.lwt.transport.tls", "io.lwt.api.transport.TransportProvider",
            "io.lwt.routing.hub", "io.lwt.api.routing.RoutingProvider",
            "io.lwt.routing.isolated", "io.lwt.api.routing.RoutingProvider");

    private static final Set<String> SPIS = Set.of("io.lwt.api.tun.TunProvider",
            "io.lwt.api.transport.TransportProvider", "io.lwt.api.codec.CodecProvider",
            "io.lwt.api.routing.RoutingProvider");

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

    @Test
    void apiRequiresOnlyJavaBase() {
        assertEquals(Set.of("java.base"), descriptor("io.lwt.api").requires().stream()
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()));
    }
}
