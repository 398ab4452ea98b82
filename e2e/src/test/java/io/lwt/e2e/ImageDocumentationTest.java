package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image and its tarball ship shell completion and a man page for each command that this build's {@code lwt --help}
 * lists, at the paths of /usr/share. (The launcher's tests check what the files do; this checks that they are there.)
 */
class ImageDocumentationTest {

    private static final Path SHARE = TunnelNetwork.LWT.getParent().resolveSibling("share");
    private static final List<String> FILES = List.of("bash-completion/completions/lwt", "zsh/vendor-completions/_lwt",
            "man/man1/lwt.1");

    @Test
    void everyCommandOfHelpHasItsManPageAndItsCompletion() throws Exception {
        Set<String> commands = commandsOfHelp();
        assertTrue(commands.containsAll(List.of("run", "check", "cert")), commands.toString());
        for (String command : commands) {
            assertTrue(Files.isRegularFile(SHARE.resolve("man/man1/lwt-" + command + ".1")), command);
        }
        assertTrue(Files.readString(SHARE.resolve("zsh/vendor-completions/_lwt")).startsWith("#compdef lwt\n"));
        String completed = run("bash", "--norc", "--noprofile", "-c",
                "source \"$1\"; COMP_WORDS=(lwt ''); COMP_CWORD=1; COMP_LINE='lwt '; _complete_lwt; "
                        + "printf '%s\\n' \"${COMPREPLY[@]}\"", "bash", SHARE.resolve(FILES.get(0)).toString());
        assertEquals(commands, new TreeSet<>(completed.lines().toList()));
    }

    @Test
    void theTarballShipsThemUnderShare() throws Exception {
        Path target = TunnelNetwork.LWT.getParent().getParent().getParent().getParent();
        Path tarball;
        try (Stream<Path> files = Files.list(target)) {
            tarball = files.filter(file -> file.getFileName().toString().matches("lwt-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no lwt-VERSION.tar.gz in " + target));
        }
        List<String> listed = run("tar", "-tzf", tarball.toString()).lines().toList();
        for (String file : FILES) {
            assertTrue(listed.contains("lwt/share/" + file), file + " in " + tarball);
        }
    }

    /** The names under "Commands:" in {@code lwt --help}. */
    private static Set<String> commandsOfHelp() throws Exception {
        Set<String> commands = new TreeSet<>();
        boolean listing = false;
        for (String line : run(TunnelNetwork.LWT.toString(), "--help").lines().toList()) {
            if (line.equals("Commands:")) {
                listing = true;
            } else if (listing && line.isBlank()) {
                break;
            } else if (listing && line.matches("  \\S.*")) {
                commands.add(line.strip().split("\\s+")[0]);
            }
        }
        return commands;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
