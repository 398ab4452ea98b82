package io.lwt.launcher.docs;

import io.lwt.launcher.Lwt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes the shell completion and the man pages of {@code lwt} into a {@code share/} directory, laid out as under
 * /usr/share. The packaging module runs it with the runtime image's own java on every build, so the files describe the
 * commands and options of that very build and no one edits them.
 */
public final class GenerateDocs {

    static final Path BASH = Path.of("bash-completion", "completions", "lwt");
    static final Path ZSH = Path.of("zsh", "vendor-completions", "_lwt");
    static final Path MAN = Path.of("man", "man1");

    private GenerateDocs() {}

    /** Usage: {@code GenerateDocs SHARE_DIR}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: GenerateDocs SHARE_DIR");
            System.exit(2);
        }
        write(new CommandLine(new Lwt()), Path.of(args[0]));
    }

    static void write(CommandLine lwt, Path share) throws IOException {
        write(share.resolve(BASH), ShellCompletion.bash(lwt));
        write(share.resolve(ZSH), ShellCompletion.zsh(lwt));
        String version = String.join(" ", lwt.getCommandSpec().version());
        for (CommandSpec command : ManPage.commands(lwt)) {
            write(share.resolve(MAN).resolve(ManPage.fileName(command)), ManPage.roff(command, version));
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
