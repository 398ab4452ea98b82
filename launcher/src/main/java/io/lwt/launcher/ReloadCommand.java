package io.lwt.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Asks a running node to re-read its topology file, as SIGHUP does, and prints what it applied. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Make a running node re-read its topology file and apply what can change without dropping "
                + "tunnels (clients, keys, routing, limits, log level); an invalid file changes nothing.")
final class ReloadCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NODE", arity = "0..1", description = "the node; its socket is /run/lwt/NODE.sock")
    String node;

    @Option(names = "--socket", paramLabel = "PATH", description = "the node's control socket (see lwt run --control)")
    Path socket;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (socket == null && node == null) {
            return Cli.fail(spec.commandLine().getErr(), new IllegalArgumentException("name a node or give --socket PATH"));
        }
        Path path = socket != null ? socket : ControlSocket.defaultPath(node);
        return ControlSocket.command(spec, path, "reload");
    }
}
