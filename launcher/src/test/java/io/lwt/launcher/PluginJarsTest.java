package io.lwt.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.ConfigException;
import io.lwt.api.NamedProvider;
import io.lwt.api.routing.RoutingProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken plugin jars are reported in one line each and skipped; none of them stops the others. */
class PluginJarsTest {

    private static final List<Class<? extends NamedProvider<?>>> SPIS = List.of(RoutingProvider.class);

    @TempDir
    Path plugins;

    /** A plain jar whose services file names {@code provider} (none if null), with the api version if given. */
    private Path plainJar(String name, String apiVersion, String provider) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (apiVersion != null) {
            manifest.getMainAttributes().putValue(PluginJars.MANIFEST_API_VERSION, apiVersion);
        }
        Path jar = plugins.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            if (provider != null) {
                out.putNextEntry(new JarEntry("META-INF/services/io.lwt.api.routing.RoutingProvider"));
                out.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void everyBrokenJarGetsOneLineNamingItsCause() throws IOException {
        Path noVersion = plainJar("a-no-version.jar", null, null);
        Path oldApi = plainJar("b-old-api.jar", "9.9.0", null);
        Path missingClass = plainJar("c-unloadable.jar", "0.1.0", "org.example.Missing");
        Path garbage = Files.writeString(plugins.resolve("d-garbage.jar"), "not a zip");

        PluginJars.Result result = PluginJars.load(plugins, SPIS);

        assertEquals(List.of(), result.providers());
        assertEquals(4, result.problems().size(), result.problems().toString());
        assertEquals(noVersion + ": declares no api version (add Lwt-Api-Version to its manifest); this lwt runs api "
                + "0.1.0-SNAPSHOT", result.problems().get(0));
        assertEquals(oldApi + ": built against api 9.9.0, but this lwt runs api 0.1.0-SNAPSHOT (major.minor must match)",
                result.problems().get(1));
        assertTrue(result.problems().get(2).startsWith(missingClass + ": ") && result.problems().get(2).contains("org.example.Missing"),
                result.problems().get(2));
        assertTrue(result.problems().get(3).startsWith(garbage + ": "), result.problems().get(3));
    }

    @Test
    void aJarOrDirectoryThatOthersMayWriteIsRefused() throws IOException {
        Path jar = plainJar("a.jar", "0.1.0", null);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(jar + ": plugin jar is mode 0666, writable by group or others, who could put their code into lwt:"
                + " chmod go-w " + jar, assertThrows(ConfigException.class, () -> PluginJars.load(plugins, SPIS)).getMessage());
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(List.of(), PluginJars.load(plugins, SPIS).problems(), "0644 is fine");
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(plugins + ": plugin directory is mode 0777, writable by group or others, who could put their code"
                + " into lwt: chmod go-w " + plugins, assertThrows(ConfigException.class,
                        () -> PluginJars.load(plugins, SPIS)).getMessage());
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertTrue(assertThrows(ConfigException.class, () -> PluginJars.load(plugins, SPIS)).getMessage()
                .startsWith(plugins + ": plugin directory is mode 0775,"), "group-writable too");
    }

    @Test
    void aMissingDirectoryHasNoPlugins() {
        PluginJars.Result result = PluginJars.load(plugins.resolve("absent"), SPIS);
        assertEquals(List.of(), result.providers());
        assertEquals(List.of(), result.problems());
    }

    @Test
    void versionsCompareByMajorAndMinor() {
        assertEquals("0.1", PluginJars.majorMinor("0.1.0-SNAPSHOT"));
        assertEquals("1.2", PluginJars.majorMinor("1.2.3"));
        assertEquals("7", PluginJars.majorMinor("7"));
    }
}
