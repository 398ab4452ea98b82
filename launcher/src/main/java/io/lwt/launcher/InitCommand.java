package io.lwt.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes a commented example topology and the keys of its clients. */
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
            for (String client : new String[] {"alice", "bob"}) {
                writeKey(directory.resolve(client + ".key"));
            }
        } catch (FileAlreadyExistsException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException(target + " exists; not overwriting it"));
        } catch (IOException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException("cannot write " + target + ": " + e.getMessage()));
        }
        spec.commandLine().getOut().println("wrote " + target + " and the keys alice.key, bob.key; check it with: lwt check "
                + target);
        return 0;
    }

    /** A new key readable by its owner only; an existing key file is kept. */
    static void writeKey(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, Keys.generate() + "\n");
    }
}
