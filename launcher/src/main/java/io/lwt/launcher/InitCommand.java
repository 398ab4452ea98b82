package io.lwt.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes a commented example topology. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write a commented example topology (a hub and two clients) to DIR/lwt.yaml.")
final class InitCommand implements Callable<Integer> {

    static final String EXAMPLE = "example.yaml";

    @Parameters(paramLabel = "DIR", description = "the directory to write lwt.yaml into (created if missing)")
    Path directory;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path target = directory.resolve("lwt.yaml");
        try (InputStream example = InitCommand.class.getResourceAsStream(EXAMPLE)) {
            Files.createDirectories(directory);
            Files.write(target, example.readAllBytes(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException(target + " exists; not overwriting it"));
        } catch (IOException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException("cannot write " + target + ": " + e.getMessage()));
        }
        spec.commandLine().getOut().println("wrote " + target + "; check it with: lwt check " + target);
        return 0;
    }
}
