package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML (and so JSON) into {@link Config}, keeping the line and column of every value. Uses SnakeYAML's node
 * graph, not its object mapping: nothing is instantiated from the document, and every error can be located.
 *
 * <p>The graph is bounded before it becomes a {@link Config}. SnakeYAML refuses more than {@value #MAX_BYTES} code
 * points, nesting deeper than its limit of 50 and more than {@value #MAX_COLLECTION_ALIASES} aliases of collections,
 * but its recursive-keys option guards only its object mapping: an alias inside the collection it names
 * ({@code a: &x [*x]}) composes into a cycle, and aliases of aliases multiply ("billion laughs"). {@link #measure}
 * refuses a cycle and any collection that expands to more than {@value #MAX_VALUES} values, as many as a file of
 * {@value #MAX_BYTES} bytes could write out without aliases. Each of those few aliases descends at most 50 levels
 * more, so neither walk can overflow the stack.
 */
final class YamlConfig {

    private static final int MAX_BYTES = 1 << 20;
    private static final int MAX_COLLECTION_ALIASES = 10;
    /** Two bytes a value ({@code 1,}): what the largest file could hold without aliases. */
    private static final int MAX_VALUES = MAX_BYTES / 2;

    private YamlConfig() {}

    static Config read(Path file) {
        String source = file.toString();
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(Config.Location.of(source), "file is larger than 1 MiB");
            }
            return parse(Files.readString(file), source);
        } catch (NoSuchFileException e) {
            throw new ConfigException(Config.Location.of(source), "no such file");
        } catch (MalformedInputException e) {
            throw new ConfigException(Config.Location.of(source), "not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(Config.Location.of(source), "cannot read: " + e.getMessage());
        }
    }

    static Config parse(String text, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setCodePointLimit(MAX_BYTES);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            throw new ConfigException(at(source, mark), "invalid YAML: " + problem.strip());
        } catch (YAMLException e) {
            throw new ConfigException(Config.Location.of(source), "invalid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null) {
            throw new ConfigException(new Config.Location(source, 1, 1), "the file is empty");
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new ConfigException(at(source, root.getStartMark()), "expected a mapping of keys to values at the top");
        }
        measure(root, "", source, new IdentityHashMap<>(), Collections.newSetFromMap(new IdentityHashMap<>()));
        return section(mapping, "", source);
    }

    /**
     * The number of values {@code node} expands to, aliases followed (each collection counted once, in
     * {@code measured}); a collection that contains itself (is still {@code open}) or expands beyond
     * {@value #MAX_VALUES} values is refused where it is written.
     */
    private static long measure(Node node, String path, String source, Map<Node, Long> measured, Set<Node> open) {
        if (node instanceof ScalarNode || measured.containsKey(node)) {
            return measured.getOrDefault(node, 1L);
        }
        if (!open.add(node)) {
            throw new ConfigException(at(source, node.getStartMark()), "invalid YAML: recursive alias: the collection"
                    + " anchored here contains itself (at " + path + ")");
        }
        long size = 1;
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : "?";
                size += measure(tuple.getValueNode(), path.isEmpty() ? key : path + "." + key, source, measured, open);
            }
        } else if (node instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                size += measure(item, path, source, measured, open);
            }
        }
        open.remove(node);
        if (size > MAX_VALUES) {
            throw new ConfigException(at(source, node.getStartMark()), "invalid YAML: through aliases, this collection"
                    + " expands to more than " + MAX_VALUES + " values, more than a 1 MiB file can hold without them");
        }
        measured.put(node, size);
        return size;
    }

    private static Config section(MappingNode mapping, String path, String source) {
        Config.Builder builder = Config.builder(path, at(source, mapping.getStartMark()));
        Set<String> seen = new HashSet<>(); // a hash set: a mapping may have many keys
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new ConfigException(at(source, tuple.getKeyNode().getStartMark()), "keys must be plain names");
            }
            String key = keyNode.getValue();
            if (!seen.add(key)) {
                throw new ConfigException(at(source, keyNode.getStartMark()),
                        (path.isEmpty() ? key : path + "." + key) + ": duplicate key");
            }
            builder.put(key, value(tuple.getValueNode(), path.isEmpty() ? key : path + "." + key, source));
        }
        return builder.build();
    }

    private static ConfigValue value(Node node, String path, String source) {
        Config.Location location = at(source, node.getStartMark());
        return switch (node) {
            case MappingNode mapping -> section(mapping, path, source);
            case SequenceNode sequence -> new ConfigValue.Sequence(
                    sequence.getValue().stream().map(item -> value(item, path, source)).toList(), location);
            case ScalarNode scalar -> new ConfigValue.Scalar(
                    scalar.getTag().equals(Tag.NULL) ? null : scalar.getValue(), location);
            default -> throw new ConfigException(location, path + ": unsupported YAML node");
        };
    }

    private static Config.Location at(String source, Mark mark) {
        return mark == null ? Config.Location.of(source) : new Config.Location(source, mark.getLine() + 1, mark.getColumn() + 1);
    }
}
