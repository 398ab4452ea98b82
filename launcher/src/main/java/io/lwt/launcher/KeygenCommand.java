package io.lwt.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints a new pre-shared key. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Print a new random pre-shared key (32 bytes, base64), e.g. lwt keygen > alice.key")
final class KeygenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Keys.generate());
        return 0;
    }
}
