package io.lwt.launcher;

import io.lwt.core.StaticKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Writes a commented example topology, the keys of its clients and the hub's static key, whose public key the clients
 * pin: authenticated and encrypted with no further step, with no certificate authority to run.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write a commented example topology (a hub and two clients) to DIR/lwt.yaml, with the keys.")
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
            if (Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            // the file a hub with static-key: auto makes at its first start
            byte[] hubKey = StaticKeys.generate();
            Keys.saveStatic(Keys.autoStaticKey(directory, "hub"), hubKey);
            String yaml = new String(example.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("HUBKEY", StaticKeys.text(StaticKeys.publicKey(hubKey)));
            Files.writeString(target, yaml, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            for (String client : new String[] {"alice", "bob"}) {
                writeKey(directory.resolve(client + ".key"));
            }
        } catch (FileAlreadyExistsException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException(target + " exists; not overwriting it"));
        } catch (IOException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException("cannot write " + target + ": " + e.getMessage()));
        }
        spec.commandLine().getOut().println("wrote " + target + ", the keys alice.key, bob.key and the hub's static key "
                + "noise/hub.key; check it with: lwt check " + target);
        return 0;
    }

    /** A new key readable by its owner only; an existing key file is kept. */
    static void writeKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            Keys.writeNew(file, Keys.generate());
        }
    }
}
