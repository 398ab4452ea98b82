package io.lwt.launcher.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.launcher.Lwt;
import io.lwt.testsupport.E2e;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** One man page per command of the model, each rendered by groff and by man without a warning. */
class ManPageTest {

    @TempDir
    Path dir;

    private final CommandLine lwt = new CommandLine(new Lwt());

    private Path man1;

    @BeforeEach
    void generate() throws Exception {
        GenerateDocs.write(lwt, dir);
        man1 = dir.resolve(GenerateDocs.MAN);
    }

    @Test
    void everyCommandHasItsPageAndNoPageIsLeftOver() throws Exception {
        Set<String> expected = new TreeSet<>();
        ManPage.commands(lwt).forEach(command -> expected.add(command.qualifiedName("-") + ".1"));
        try (Stream<Path> files = Files.list(man1)) {
            assertEquals(expected, files.map(file -> file.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)));
        }
        assertTrue(expected.containsAll(List.of("lwt.1", "lwt-run.1", "lwt-cert.1", "lwt-cert-create.1", "lwt-help.1")),
                expected.toString());
    }

    @Test
    void groffRendersEveryPageWithoutAWarningAndWithEveryOption() throws Exception {
        String groff = E2e.requireTool("groff", "groff-base").toString();
        for (CommandSpec command : ManPage.commands(lwt)) {
            Path page = man1.resolve(ManPage.fileName(command));
            Tools.Result rendered = Tools.run(dir, List.of(groff, "-man", "-Tutf8", "-ww", "-P", "-cbou", page.toString()));
            assertEquals(0, rendered.exit(), page + ": " + rendered.err());
            assertEquals("", rendered.err(), page + ": warnings");
            String text = rendered.out().replaceAll("\\s+", " ");
            assertTrue(Pattern.compile("NAME " + Pattern.quote(command.qualifiedName("-")) + " - \\S").matcher(text).find(),
                    page + ": NAME and a summary\n" + text);
            for (OptionSpec option : command.options()) {
                for (String name : option.names()) {
                    assertTrue(text.contains(name), page + ": " + name + "\n" + text);
                }
            }
            for (String subcommand : command.subcommands().keySet()) {
                assertTrue(text.contains(command.qualifiedName("-") + "-" + subcommand + "(1)"), page + ": SEE ALSO\n" + text);
            }
        }
    }

    @Test
    void manReadsThePageOfASubcommandWithItsDescriptionsAndTheExitStatusOfLwt() throws Exception {
        String man = E2e.requireTool("man", "man-db").toString();
        Tools.Result run = Tools.run(dir, List.of("env", "MANWIDTH=200", man, "--warnings", "-E", "UTF-8", "-l",
                man1.resolve("lwt-run.1").toString()));
        assertEquals(0, run.exit(), run.err());
        assertEquals("", run.err(), "warnings");
        // no overstriking, whatever the pager settings; words compared, not layout
        String text = run.out().replaceAll(".\b", "").replaceAll("\\s+", " ");
        assertTrue(text.contains("--log-level=LEVEL"), text);
        assertTrue(text.contains("error, warn, info, debug, trace (default: the node's log-level, else info)"),
                "the rendered description, candidates filled in:\n" + text);
        assertTrue(text.contains("FILE the topology file"), text);
        Tools.Result lwt = Tools.run(dir, List.of(man, "--warnings", "-E", "UTF-8", "-l", man1.resolve("lwt.1").toString()));
        assertEquals(0, lwt.exit(), lwt.err());
        String top = lwt.out().replaceAll(".\b", "").replaceAll("\\s+", " ");
        Map<String, String> exitCodes = this.lwt.getCommandSpec().usageMessage().exitCodeList();
        assertEquals(4, exitCodes.size(), exitCodes.toString());
        exitCodes.forEach((code, meaning) -> assertTrue(top.contains(" " + code + " " + meaning), code + "\n" + top));
    }
}
