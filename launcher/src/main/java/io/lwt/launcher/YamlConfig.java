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
import java.util.ArrayList;
import java.util.List;
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
 */
final class YamlConfig {

    private static final int MAX_BYTES = 1 << 20;

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
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(10);
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
        return section(mapping, "", source);
    }

    private static Config section(MappingNode mapping, String path, String source) {
        Config.Builder builder = Config.builder(path, at(source, mapping.getStartMark()));
        List<String> seen = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw new ConfigException(at(source, tuple.getKeyNode().getStartMark()), "keys must be plain names");
            }
            String key = keyNode.getValue();
            if (seen.contains(key)) {
                throw new ConfigException(at(source, keyNode.getStartMark()),
                        (path.isEmpty() ? key : path + "." + key) + ": duplicate key");
            }
            seen.add(key);
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
