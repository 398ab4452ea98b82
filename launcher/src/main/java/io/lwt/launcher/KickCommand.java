package io.lwt.launcher;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Disconnects a client from a running hub. It may reconnect: to remove it, take it out of the YAML. */
@Command(name = "kick", mixinStandardHelpOptions = true,
        description = "Disconnect a client's sessions from a running hub (it may reconnect unless removed from the YAML).")
final class KickCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CLIENT", description = "the client's identity")
    String client;

    @Option(names = "--hub", paramLabel = "NODE", description = "the hub node; its socket is /run/lwt/NODE.sock")
    String hub;

    @Option(names = "--socket", paramLabel = "PATH", description = "the hub's control socket")
    Path socket;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (socket == null && hub == null) {
            return Cli.fail(spec.commandLine().getErr(), new IllegalArgumentException("name the hub with --hub NODE or --socket PATH"));
        }
        Path path = socket != null ? socket : ControlSocket.defaultPath(hub);
        return ControlSocket.command(spec, path, "kick " + client);
    }
}
