package io.lwt.launcher.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.launcher.Lwt;
import io.lwt.testsupport.E2e;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The generated completion, run in the shells themselves: what a user's TAB would offer. */
class ShellCompletionTest {

    @TempDir
    Path dir;

    private final CommandLine lwt = new CommandLine(new Lwt());

    @BeforeEach
    void generate() throws Exception {
        GenerateDocs.write(lwt, dir);
    }

    @Test
    void bashCompletesEveryCommandAndItsOptions() throws Exception {
        for (CommandSpec command : ManPage.commands(lwt)) {
            if (!command.subcommands().isEmpty()) {
                assertEquals(new TreeSet<>(command.subcommands().keySet()),
                        new TreeSet<>(bash(command.qualifiedName() + " ")), command.qualifiedName());
            }
            Set<String> longOptions = new TreeSet<>();
            command.options().forEach(option -> longOptions.add(option.longestName()));
            assertTrue(bash(command.qualifiedName() + " -").containsAll(longOptions), command.qualifiedName());
        }
    }

    @Test
    void bashCompletesAPrefixAndAnOptionsValues() throws Exception {
        assertEquals(List.of("cert"), bash("lwt ce"));
        assertEquals(List.of("create"), bash("lwt cert cr"));
        assertEquals(List.of("--log-level"), bash("lwt run --log-l"));
        assertEquals(List.of("error", "warn", "info", "debug", "trace"), bash("lwt run --log-level "));
    }

    /** Through compinit's autoloading of _lwt from the fpath, as a user's zsh does, in a terminal (zpty) pressing TAB. */
    @Test
    void zshCompletesFromTheFunctionFileOnItsFirstUse() throws Exception {
        String zsh = E2e.requireTool("zsh", "zsh").toString();
        List<String> lines = List.of("lwt ce", "lwt cert cr", "lwt run --log-l", "lwt run --log-level de", "lwt kick --so");
        List<String> command = new ArrayList<>(List.of(zsh, "-f", "-c", ZSH_TERMINAL, "zsh",
                dir.resolve(GenerateDocs.ZSH).getParent().toString(), dir.resolve("buffers").toString()));
        command.addAll(lines);
        Tools.Result result = Tools.run(dir, command);
        assertEquals(0, result.exit(), result.err());
        assertEquals(List.of("lwt cert ", "lwt cert create ", "lwt run --log-level ", "lwt run --log-level debug ",
                "lwt kick --socket "), Files.readAllLines(dir.resolve("buffers")), result.err());
    }

    /**
     * Starts an interactive zsh in a pseudo-terminal with only compinit and the given fpath directory, types each line
     * followed by TAB and by ^X, a widget that appends the edited line to the output file, and waits for all of them.
     */
    private static final String ZSH_TERMINAL = """
            fpath_dir=$1 out=$2; shift 2
            : > $out
            zmodload zsh/zpty
            zpty shell zsh -f -i
            zpty -w shell "fpath=($fpath_dir \\$fpath); autoload -U compinit && compinit -u -D; \
            dump() { print -r -- \\"\\$BUFFER\\" >> $out; BUFFER=; }; zle -N dump; bindkey '^X' dump"
            for line in "$@"; do zpty -w -n shell "$line"$'\\t\\x18'; done
            while (( $(wc -l < $out) < $# && SECONDS < 30 )); do zpty -rt shell chunk; sleep 0.1; done
            zpty -d shell
            """;

    /** What picocli's completion function puts in COMPREPLY for the line, as bash's TAB would call it. */
    private List<String> bash(String line) throws Exception {
        String bash = E2e.requireTool("bash", "bash").toString();
        String complete = """
                source "$1"
                COMP_LINE=$2
                read -ra COMP_WORDS <<< "$2"
                [[ $2 == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                %s
                printf '%%s\\n' "${COMPREPLY[@]}"
                """.formatted(ShellCompletion.BASH_FUNCTION);
        Tools.Result result = Tools.run(dir, List.of(bash, "--norc", "--noprofile", "-c", complete, "bash",
                dir.resolve(GenerateDocs.BASH).toString(), line));
        assertEquals(0, result.exit(), result.err());
        return Arrays.stream(result.out().split("\n")).filter(word -> !word.isEmpty()).toList();
    }
}
