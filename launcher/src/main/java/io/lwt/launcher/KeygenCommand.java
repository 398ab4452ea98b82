package io.lwt.launcher;

import io.lwt.core.StaticKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints a new key of either kind, or the public key of a hub's private key. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Print a new key: a client's pre-shared key (32 random bytes, base64), e.g. lwt keygen > "
                + "alice.key; with --hub a hub's static private key (Curve25519, base64); with --public FILE the "
                + "public key of the hub's key in FILE, which clients pin as hub-key."})
final class KeygenCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true)
    Kind kind = new Kind();

    static final class Kind {
        @Option(names = "--hub", description = "a hub's static private key")
        boolean hub;

        @Option(names = "--public", paramLabel = "FILE", description = "the public key of the hub's key in FILE")
        Path publicOf;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (kind.hub) {
            spec.commandLine().getOut().println(StaticKeys.text(StaticKeys.generate()));
        } else if (kind.publicOf != null) {
            try {
                spec.commandLine().getOut().println(StaticKeys.text(StaticKeys.publicKey(
                        StaticKeys.parse(Files.readString(kind.publicOf)))));
            } catch (IOException | IllegalArgumentException e) {
                return Cli.fail(spec.commandLine().getErr(),
                        new IllegalArgumentException(kind.publicOf + ": not a hub's key: " + e.getMessage()));
            }
        } else {
            spec.commandLine().getOut().println(Keys.generate());
        }
        return 0;
    }
}
