package io.lwt.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** The policy for end-to-end tests, which need root for network namespaces and TUN devices. */
public final class E2e {

    /** Set to {@value #REQUIRED} (as CI does) to make a skipped end-to-end test a failure. */
    public static final String ENVIRONMENT = "LWT_E2E";
    public static final String REQUIRED = "required";

    private E2e() {}

    /** Call first in every end-to-end test: skips it without root, or fails it when end-to-end tests are required. */
    public static void requireRoot() {
        if (!isRoot()) {
            skipOrFail("end-to-end tests need root (network namespaces, TUN devices)");
        }
    }

    /**
     * The path of {@code program} on PATH. A missing one skips the test, or fails it when end-to-end tests are
     * required, naming the Debian package that has it.
     */
    public static Path requireTool(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        skipOrFail("no " + program + " on PATH (Debian package " + debianPackage + "; scripts/setup.sh installs it)");
        throw new AssertionError("unreachable: skipOrFail throws");
    }

    private static void skipOrFail(String message) {
        if (REQUIRED.equals(System.getenv(ENVIRONMENT))) {
            Assertions.fail(message + ", and " + ENVIRONMENT + "=" + REQUIRED);
        }
        Assumptions.abort(message);
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .anyMatch(line -> line.split("\\s+")[2].equals("0")); // effective uid
        } catch (IOException e) {
            return false;
        }
    }
}
