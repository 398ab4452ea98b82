package io.lwt.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where plugin jars are found: the runtime image's own {@code plugins/}, and any {@code --plugins DIR}. */
final class PluginOptions {

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "a directory of plugin jars, besides the image's plugins/ (repeatable)")
    List<Path> extra = new ArrayList<>();

    /** The image's plugins/ directory (next to bin/ and lib/), then the extra ones. */
    static List<Path> directories(List<Path> extra) {
        List<Path> directories = new ArrayList<>();
        directories.add(Path.of(System.getProperty("java.home"), "plugins"));
        directories.addAll(extra);
        return directories;
    }

    Providers discover() {
        return Providers.discover(directories(extra));
    }
}
