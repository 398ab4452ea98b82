package io.lwt.launcher.docs;

import io.lwt.testsupport.E2e;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** The programs these tests run (bash, zsh, groff), and what a missing one means: skipped here, failed in CI. */
final class Tools {

    record Result(int exit, String out, String err) {}

    private Tools() {}

    /** The program's path; a missing one skips the test, or fails it where end-to-end tests are required (CI). */
    static String require(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String message = program + " is not installed (scripts/setup.sh installs it)";
        if (E2e.REQUIRED.equals(System.getenv(E2e.ENVIRONMENT))) {
            Assertions.fail(message + ", and " + E2e.ENVIRONMENT + "=" + E2e.REQUIRED);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            Assertions.fail("still running after 60 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
