package io.lwt.launcher;

import io.lwt.launcher.demo.DemoCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lwt} command. The original Go program's single-dash flags are accepted too, as a second front end. */
@Command(name = "lwt", mixinStandardHelpOptions = true, versionProvider = Lwt.Version.class,
        exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:success",
                Cli.FAILED + ":failed; may pass if started again",
                Cli.CONFIGURATION + ":a configuration or command-line error; never passes as it is",
                Cli.REFUSED + ":the hub refused this client (authenticated)"},
        description = "lightweight-tunnel: a plugin-based layer-3 tunnel for Linux",
        subcommands = {RunCommand.class, StatusCommand.class, KickCommand.class, ReloadCommand.class, CertCommand.class, CheckCommand.class, PluginsCommand.class, InitCommand.class, KeygenCommand.class,
                InviteCommand.class, JoinCommand.class,
                DemoCommand.class, CommandLine.HelpCommand.class})
public final class Lwt implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // every thread, plugins' too: none dies without a line saying why (the engine's threads also name their own)
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> System.getLogger("io.lwt.launcher").log(
                System.Logger.Level.ERROR, "thread {0} ended by an unexpected {1}", thread.getName(), String.valueOf(e)));
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code, writing to the given streams. */
    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = LegacyCommand.isLegacy(args) ? LegacyCommand.commandLine() : new CommandLine(new Lwt());
        return cli.setOut(out).setErr(err).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version Maven compiled into the module descriptor. */
    static final class Version implements CommandLine.IVersionProvider {
        static String text() {
            return "lwt " + Lwt.class.getModule().getDescriptor().rawVersion().orElse("(unversioned build)");
        }

        @Override
        public String[] getVersion() {
            return new String[] {text()};
        }
    }
}
