package io.lwt.launcher.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/** Runs the programs these tests check the generated files with (bash, zsh, groff, man). */
final class Tools {

    record Result(int exit, String out, String err) {}

    private Tools() {}

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
