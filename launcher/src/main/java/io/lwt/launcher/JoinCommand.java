package io.lwt.launcher;

import io.lwt.api.ConfigException;
import io.lwt.core.StaticKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes a client's topology file from the {@link InviteToken} its hub's {@code lwt invite} printed. */
@Command(name = "join", mixinStandardHelpOptions = true,
        description = "Write a ready client file (mode 0600) from the line lwt invite printed on the hub, and say "
                + "how to start it.")
final class JoinCommand implements Callable<Integer> {

    static final Path SERVICE_DIRECTORY = Path.of("/etc/lwt");

    @Parameters(paramLabel = "TOKEN", description = "the invitation (lwt1-...); - reads it from standard input, "
            + "which keeps it out of the shell's history")
    String token;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "the client file to write, never over an existing one (default /etc/lwt/NAME.yaml where "
                    + "that directory is writable, for systemctl start lwt@NAME; else NAME.yaml here)")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path file = null;
        try {
            InviteToken invitation = InviteToken.parse(token.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.US_ASCII) : token);
            boolean service = out == null && Files.isDirectory(SERVICE_DIRECTORY) && Files.isWritable(SERVICE_DIRECTORY);
            file = out != null ? out : service ? SERVICE_DIRECTORY.resolve(invitation.name() + ".yaml")
                    : Path.of(invitation.name() + ".yaml");
            write(file, invitation);
            try {
                Topology.load(file); // what lwt run will read
            } catch (ConfigException e) {
                Files.deleteIfExists(file);
                throw e;
            }
            spec.commandLine().getOut().println("wrote " + file + " for client " + invitation.name() + " of the hub at "
                    + invitation.endpoint() + " (mode 0600: it holds the client's key). Start it with: "
                    + (service ? "systemctl start lwt@" + invitation.name()
                            : "sudo lwt run " + file.toAbsolutePath()));
            return 0;
        } catch (FileAlreadyExistsException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException(file + " exists; not overwriting it (--out FILE)"));
        } catch (IOException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException("cannot write " + file + ": " + e.getMessage()));
        } catch (IllegalArgumentException | ConfigException e) {
            return Cli.fail(spec.commandLine().getErr(), e);
        }
    }

    /** The client's file, created readable by its owner only, so its inline key is never readable by others. */
    static void write(Path file, InviteToken invitation) throws IOException {
        String yaml = "# Client " + invitation.name() + ", written by lwt join. It holds the client's secret key: keep it"
                + " mode 0600.\n"
                + "role: client\n"
                + "name: " + invitation.name() + "\n"
                + "connect: \"" + invitation.endpoint() + "\"\n"
                + "hub-key: " + StaticKeys.text(invitation.hubKey()) + "\n"
                + "key: " + Base64.getEncoder().encodeToString(invitation.clientKey()) + "\n"
                + "mtu: " + invitation.mtu() + "\n"; // the hub's, which every node shares
        FileModes.writeNewPrivate(file, yaml);
    }
}
