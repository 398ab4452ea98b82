package io.lwt.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The compiled main classes of every project module, as the reactor left them beside this one. */
final class BuiltModules {

    private static final List<String> MODULES = List.of("api", "core", "tun-linux", "transport-disguised-tcp",
            "transport-udp", "cluster-etcd", "certificates", "transport-tls", "routing-hub", "routing-isolated", "launcher");

    private BuiltModules() {}

    static List<Path> classesDirectories() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> dirs = MODULES.stream().map(m -> root.resolve(m).resolve("target/classes")).toList();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("not built: " + dir);
            }
        }
        return dirs;
    }
}
