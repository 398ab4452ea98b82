package io.lwt.launcher;

import io.lwt.core.StaticKeys;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints a new key of either kind, or the public key of a hub's private key; or writes it to a new file of mode 0600. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Print a new key: a client's pre-shared key (32 random bytes, base64); with --hub a hub's "
                + "static private key (Curve25519, base64); with --public FILE the public key of the hub's key in "
                + "FILE, which clients pin as hub-key. With --out FILE, e.g. lwt keygen -o alice.key, write it into "
                + "a new file readable by its owner only."})
final class KeygenCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true)
    Kind kind = new Kind();

    static final class Kind {
        @Option(names = "--hub", description = "a hub's static private key")
        boolean hub;

        @Option(names = "--public", paramLabel = "FILE", description = "the public key of the hub's key in FILE")
        Path publicOf;
    }

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "write the key to FILE, created with mode 0600 (never over an existing file), not to stdout")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String key;
        if (kind.hub) {
            key = StaticKeys.text(StaticKeys.generate());
        } else if (kind.publicOf != null) {
            try {
                key = StaticKeys.text(StaticKeys.publicKey(StaticKeys.parse(Files.readString(kind.publicOf))));
            } catch (IOException | IllegalArgumentException e) {
                return Cli.fail(spec.commandLine().getErr(),
                        new IllegalArgumentException(kind.publicOf + ": not a hub's key: " + e.getMessage()));
            }
        } else {
            key = Keys.generate();
        }
        if (out == null) {
            spec.commandLine().getOut().println(key);
            return 0;
        }
        try {
            Keys.writeNew(out, key);
        } catch (FileAlreadyExistsException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException(out + " exists; not overwriting it"));
        } catch (IOException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException("cannot write " + out + ": " + e.getMessage()));
        }
        return 0;
    }
}
