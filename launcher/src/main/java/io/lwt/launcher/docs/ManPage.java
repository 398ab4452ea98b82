package io.lwt.launcher.docs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * One command's manual page, section 1, in roff with the man(7) macros, written from the command's picocli model: the
 * texts of {@code --help}, laid out as a man page (NAME, SYNOPSIS, DESCRIPTION, ARGUMENTS, OPTIONS, COMMANDS, EXIT
 * STATUS, SEE ALSO). Hidden options and commands are left out, as {@code --help} leaves them out.
 */
final class ManPage {

    private ManPage() {}

    /** {@code lwt.1}, {@code lwt-run.1}, {@code lwt-cert-create.1}. */
    static String fileName(CommandSpec command) {
        return pageName(command) + ".1";
    }

    static String roff(CommandSpec command, String version) {
        StringBuilder page = new StringBuilder();
        page.append(".TH ").append(escape(pageName(command).toUpperCase(Locale.ROOT))).append(" 1 \"\" \"")
                .append(escape(version)).append("\" \"User Commands\"\n");
        page.append(".nh\n.ad l\n"); // options and paths are neither hyphenated nor stretched apart
        page.append(".SH NAME\n").append(escape(pageName(command))).append(" \\- ")
                .append(text(summary(command))).append('\n');
        synopsis(command, page);
        String description = text(String.join("\n", command.usageMessage().description()));
        if (!description.isEmpty()) {
            page.append(".SH DESCRIPTION\n").append(description).append('\n');
        }
        List<PositionalParamSpec> parameters = parameters(command);
        if (!parameters.isEmpty()) {
            page.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec parameter : parameters) {
                page.append(".TP\n").append(italic(parameter.paramLabel())).append('\n');
                describe(parameter.renderedDescription(), page);
            }
        }
        List<OptionSpec> options = options(command);
        if (!options.isEmpty()) {
            page.append(".SH OPTIONS\n");
            for (OptionSpec option : options) {
                page.append(".TP\n").append(optionNames(option)).append('\n');
                describe(option.renderedDescription(), page);
            }
        }
        List<CommandLine> subcommands = subcommands(command);
        if (!subcommands.isEmpty()) {
            page.append(".SH COMMANDS\n");
            for (CommandLine subcommand : subcommands) {
                page.append(".TP\n").append(bold(subcommand.getCommandName())).append('\n')
                        .append(text(summary(subcommand.getCommandSpec()))).append('\n');
            }
        }
        Map<String, String> exitCodes = command.usageMessage().exitCodeList();
        if (!exitCodes.isEmpty()) {
            page.append(".SH EXIT STATUS\n");
            exitCodes.forEach((code, meaning) ->
                    page.append(".TP\n").append(bold(code.strip())).append('\n').append(text(meaning)).append('\n'));
        }
        List<String> related = new ArrayList<>();
        if (command.parent() != null) {
            related.add(reference(command.parent()));
        }
        subcommands.forEach(subcommand -> related.add(reference(subcommand.getCommandSpec())));
        if (!related.isEmpty()) {
            page.append(".SH SEE ALSO\n").append(String.join(",\n", related)).append('\n');
        }
        return page.toString();
    }

    /** Every command and subcommand that {@code --help} shows, this one first. */
    static List<CommandSpec> commands(CommandLine root) {
        List<CommandSpec> all = new ArrayList<>();
        all.add(root.getCommandSpec());
        subcommands(root.getCommandSpec()).forEach(subcommand -> all.addAll(commands(subcommand)));
        return all;
    }

    private static String pageName(CommandSpec command) {
        return command.qualifiedName("-");
    }

    /** The subcommands once each: picocli lists a command again under each alias. */
    private static List<CommandLine> subcommands(CommandSpec command) {
        return command.subcommands().values().stream().distinct()
                .filter(subcommand -> !subcommand.getCommandSpec().usageMessage().hidden()).toList();
    }

    private static List<OptionSpec> options(CommandSpec command) {
        return command.options().stream().filter(option -> !option.hidden()).toList();
    }

    private static List<PositionalParamSpec> parameters(CommandSpec command) {
        return command.positionalParameters().stream().filter(parameter -> !parameter.hidden()).toList();
    }

    /** {@code =VALUE} after the option's name, unless it is a flag. */
    private static String value(OptionSpec option) {
        return option.typeInfo().isBoolean() || option.arity().max() == 0 ? "" : "=" + italic(option.paramLabel());
    }

    /** The header, else the description's first line: what NAME and a parent's COMMANDS list say of it. */
    private static String summary(CommandSpec command) {
        return Stream.of(command.usageMessage().header(), command.usageMessage().description())
                .flatMap(Arrays::stream).map(ManPage::format).filter(line -> !line.isBlank()).findFirst().orElse("");
    }

    private static void synopsis(CommandSpec command, StringBuilder page) {
        page.append(".SH SYNOPSIS\n").append(bold(command.qualifiedName()));
        for (OptionSpec option : options(command)) {
            String usage = bold(option.shortestName()) + value(option);
            String repeated = option.isMultiValue() ? "..." : "";
            page.append('\n').append(option.required() ? usage + repeated : "[" + usage + "]" + repeated);
        }
        for (PositionalParamSpec parameter : parameters(command)) {
            String usage = italic(parameter.paramLabel()) + (parameter.isMultiValue() ? "..." : "");
            page.append('\n').append(parameter.arity().min() > 0 ? usage : "[" + usage + "]");
        }
        if (!subcommands(command).isEmpty()) {
            page.append('\n').append(italic("COMMAND"));
        }
        page.append('\n');
    }

    private static String optionNames(OptionSpec option) {
        String names = Arrays.stream(option.names()).map(ManPage::bold).collect(Collectors.joining(", "));
        return names + value(option);
    }

    private static void describe(String[] description, StringBuilder page) {
        page.append(description.length == 0 ? "\\&" : text(String.join(" ", description))).append('\n');
    }

    private static String reference(CommandSpec command) {
        return bold(pageName(command)) + "(1)";
    }

    private static String bold(String word) {
        return "\\fB" + escape(word) + "\\fR";
    }

    private static String italic(String word) {
        return "\\fI" + escape(word) + "\\fR";
    }

    /**
     * Running text on lines of its own: picocli's {@code %n} breaks become line breaks, and no line may start with a
     * control character.
     */
    private static String text(String paragraph) {
        return format(paragraph).strip().lines().map(String::strip)
                .map(line -> line.isEmpty() ? ".sp" : (line.matches("^[.'].*") ? "\\&" : "") + escape(line))
                .collect(Collectors.joining("\n"));
    }

    /** What picocli's format specifiers in usage texts stand for: {@code %n} a line break, {@code %%} a percent. */
    private static String format(String usageText) {
        return usageText.replace("%n", "\n").replace("%%", "%");
    }

    /** roff's escape character, and hyphens as minus signs so that option names can be searched for and copied. */
    private static String escape(String plain) {
        return plain.replace("\\", "\\e").replace("-", "\\-");
    }
}
