package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.lwt.testsupport.E2e;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package that the packaging module built, installed on this machine with dpkg, used, installed again
 * (as an upgrade is), removed and purged: after the purge nothing of it is left. Since the purge deletes the user
 * lwt, /etc/lwt and /var/lib/lwt, the test refuses to run where any of them, or a package lwt, already exists.
 */
class DebianPackageTest {

    private static final Path TARGET = Path.of("../packaging/target").toAbsolutePath().normalize();
    private static final Path IMAGE = TunnelNetwork.LWT.getParent().getParent();
    private static final Path LIB = Path.of("/usr/lib/lwt");
    private static final Path COMMAND = Path.of("/usr/bin/lwt");
    private static final Path UNIT = Path.of("/usr/lib/systemd/system/lwt@.service");
    private static final Path CONFIG = Path.of("/etc/lwt");
    private static final Path STATE = Path.of("/var/lib/lwt");
    private static final Path ARCHIVE = LIB.resolve("lib/server/classes.jsa");

    @TempDir
    Path dir;

    @Test
    void installsWorksAndPurgesWithoutATrace() throws IOException {
        E2e.requireRoot();
        Path deb = builtPackage();
        List<String> present = leftovers();
        if (!present.isEmpty()) {
            fail("refusing to run: this machine already has " + present + ", which this test did not install and its "
                    + "purge would delete");
        }
        try {
            assertQuiet(run("dpkg", "-i", deb.toString()));
            installed();
            Path conf = dir.resolve("conf");
            run(COMMAND.toString(), "init", conf.toString()).orThrow();
            run(COMMAND.toString(), "check", conf.resolve("lwt.yaml").toString()).orThrow();

            // an administrator's files and a node's state, which an upgrade keeps
            Path nodeConfig = Files.copy(conf.resolve("lwt.yaml"), CONFIG.resolve("hub.yaml"));
            Path nodeState = Files.writeString(Files.createDirectories(STATE).resolve("hub-pool.state"), "state\n");
            assertQuiet(run("dpkg", "-i", deb.toString()));
            installed();
            assertEquals(Files.readString(conf.resolve("lwt.yaml")), Files.readString(nodeConfig));
            assertTrue(Files.exists(nodeState), "the upgrade keeps " + nodeState);

            assertQuiet(run("dpkg", "--remove", "lwt"));
            for (Path gone : List.of(LIB, COMMAND, UNIT)) {
                assertFalse(Files.exists(gone, LinkOption.NOFOLLOW_LINKS), "removed: " + gone);
            }
            assertTrue(Files.exists(nodeConfig), "removing (not purging) keeps the configuration");
            assertTrue(run("getent", "passwd", "lwt").ok(), "removing (not purging) keeps the user");

            assertQuiet(run("dpkg", "--purge", "lwt"));
            assertEquals(List.of(), leftovers(), "left after the purge");
        } finally {
            if (packageKnown()) {
                run("dpkg", "--purge", "lwt");
            }
        }
    }

    /** What the installed package must be and do. */
    private void installed() throws IOException {
        String version = run("dpkg-query", "-W", "-f=${Version}", "lwt").orThrow().output();
        // -Xshare:on: the JVM fails to start unless postinst made an archive it can use
        Result lwtVersion = run(Map.of("LWT_JAVA_OPTIONS", "-Xshare:on"), COMMAND.toString(), "--version").orThrow();
        assertTrue(lwtVersion.output().startsWith("lwt "), lwtVersion.output());
        assertEquals(version, lwtVersion.output().strip().substring("lwt ".length()).replace('-', '~'),
                "the package's version is the build's");
        assertTrue(Files.size(ARCHIVE) > 1_000_000, "postinst made " + ARCHIVE);
        assertEquals(LIB.resolve("bin/lwt"), COMMAND.toRealPath());

        String[] user = run("getent", "passwd", "lwt").orThrow().output().strip().split(":");
        assertTrue(Integer.parseInt(user[2]) < 1000, "a system user: " + String.join(":", user));
        assertEquals("/usr/sbin/nologin", user[6]);
        PosixFileAttributes config = Files.readAttributes(CONFIG, PosixFileAttributes.class);
        assertEquals("root", config.owner().getName());
        assertEquals("lwt", config.group().getName());
        assertEquals("rwxr-x---", PosixFilePermissions.toString(config.permissions()));

        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("ExecStart=" + LIB.resolve("bin/lwt") + " run "), unit);
        assertFalse(unit.contains("/opt/lwt"), unit);
        Result verify = run("systemd-analyze", "verify", "lwt@hub.service").orThrow();
        assertEquals("", verify.output().strip(), "warnings from systemd-analyze");

        for (Path file : shared()) {
            assertTrue(Files.isRegularFile(Path.of("/usr/share").resolve(file)), "installed: /usr/share/" + file);
        }
        assertEquals("/usr/share/man/man1/lwt-run.1.gz", run("man", "-w", "lwt-run").orThrow().output().strip());
    }

    /** Whatever of the package, its user or its directories this machine has. */
    private static List<String> leftovers() throws IOException {
        List<String> found = new ArrayList<>();
        if (packageKnown()) {
            found.add("the package lwt");
        }
        for (String database : List.of("passwd", "group")) {
            if (run("getent", database, "lwt").ok()) {
                found.add("lwt in " + database);
            }
        }
        List<Path> paths = new ArrayList<>(List.of(LIB, COMMAND, UNIT, CONFIG, STATE));
        shared().forEach(file -> paths.add(Path.of("/usr/share").resolve(file)));
        paths.stream().filter(path -> Files.exists(path, LinkOption.NOFOLLOW_LINKS))
                .forEach(path -> found.add(path.toString()));
        return found;
    }

    /**
     * The files of the image's share/ tree (man pages, completion), relative to it, as the package installs them
     * under /usr/share: man pages gzipped, as Debian's policy wants.
     */
    private static List<Path> shared() throws IOException {
        Path share = IMAGE.resolve("share");
        if (!Files.isDirectory(share)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(share)) {
            return files.filter(Files::isRegularFile).map(share::relativize)
                    .map(file -> file.startsWith("man") ? Path.of(file + ".gz") : file).toList();
        }
    }

    private static boolean packageKnown() {
        Result status = run("dpkg-query", "-W", "-f=${db:Status-Status}", "lwt");
        return status.ok() && !status.output().strip().equals("not-installed");
    }

    private static Path builtPackage() throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            List<Path> debs = files.filter(file -> file.getFileName().toString().matches("lwt_.*\\.deb")).toList();
            if (debs.size() != 1) {
                throw new IllegalStateException("expected one lwt_*.deb in " + TARGET + ", found " + debs
                        + ": build the packaging module first");
            }
            return debs.getFirst();
        }
    }

    /** dpkg reports what it could not do (a directory it could not remove, a failed script) as warnings. */
    private static void assertQuiet(Result dpkg) {
        dpkg.orThrow();
        assertFalse(dpkg.output().contains("warning"), dpkg.output());
    }

    private static Result run(String... command) {
        return run(Map.of(), command);
    }

    private static Result run(Map<String, String> environment, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Result(String.join(" ", command), process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    private record Result(String command, int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException(command + " exited " + exitCode + ": " + output.strip());
            }
            return this;
        }
    }
}
