package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.api.ValueSyntax;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.stream.Collectors;

/**
 * The type of a {@link Setting}: how its value is read from a section (through {@link Config}'s typed getters, so
 * that a value is written the same here and in the plugins), and how the reference describes it. The texts are
 * Markdown.
 */
sealed interface SettingType<T> {

    /** What the value is: "integer", "duration", ... */
    String name();

    /** The value when the key is absent, or what then happens; "required" when it must be given. */
    String defaultText();

    /** The values allowed beyond what the type says; empty when the type says it all. */
    default String range() {
        return "";
    }

    /** The value of {@code key} in {@code section}, or the default when it is absent. */
    T read(Config section, String key);

    /** An integer in {@code min..max}. */
    record Integers(int min, int max, int defaultValue) implements SettingType<Integer> {
        @Override
        public String name() {
            return "integer";
        }

        @Override
        public String defaultText() {
            return "`" + defaultValue + "`";
        }

        @Override
        public String range() {
            return min + "-" + max;
        }

        @Override
        public Integer read(Config section, String key) {
            return section.integer(key, defaultValue, min, max);
        }
    }

    /** A size in bytes in {@code min..max}. */
    record Bytes(int min, int max, int defaultValue) implements SettingType<Integer> {
        @Override
        public String name() {
            return "bytes";
        }

        @Override
        public String defaultText() {
            return "`" + defaultValue + "`";
        }

        @Override
        public String range() {
            return min + "-" + max;
        }

        @Override
        public Integer read(Config section, String key) {
            return section.size(key, defaultValue, min, max);
        }
    }

    /** A duration ({@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}). */
    record Durations(Duration defaultValue) implements SettingType<Duration> {
        @Override
        public String name() {
            return "duration";
        }

        @Override
        public String defaultText() {
            return "`" + ValueSyntax.text(defaultValue) + "`";
        }

        @Override
        public Duration read(Config section, String key) {
            return section.duration(key, defaultValue);
        }
    }

    /** {@code true} or {@code false} (or yes/no, on/off). */
    record Flag(boolean defaultValue) implements SettingType<Boolean> {
        @Override
        public String name() {
            return "boolean";
        }

        @Override
        public String defaultText() {
            return "`" + defaultValue + "`";
        }

        @Override
        public Boolean read(Config section, String key) {
            return section.bool(key, defaultValue);
        }
    }

    /** One of a few words, each meaning a value; {@code defaultWord} null when the key is required. */
    record Choice<T>(SequencedMap<String, T> values, String defaultWord) implements SettingType<T> {
        public Choice {
            values = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(values));
            if (defaultWord != null && !values.containsKey(defaultWord)) {
                throw new IllegalArgumentException("the default " + defaultWord + " is not one of " + values.keySet());
            }
        }

        /** The given words, in this order; {@code defaultWord} null when the key is required. */
        @SafeVarargs
        static <T> Choice<T> of(String defaultWord, Map.Entry<String, T>... words) {
            SequencedMap<String, T> values = new LinkedHashMap<>();
            for (Map.Entry<String, T> word : words) {
                values.put(word.getKey(), word.getValue());
            }
            return new Choice<>(values, defaultWord);
        }

        /** The words of an enum's constants, as they are named. */
        static <E extends Enum<E>> Choice<E> of(Class<E> type, E defaultValue) {
            SequencedMap<String, E> values = new LinkedHashMap<>();
            for (E constant : type.getEnumConstants()) {
                values.put(constant.name(), constant);
            }
            return new Choice<>(values, defaultValue.name());
        }

        /** The value a word means, if it is one of them. */
        Optional<T> lookup(String word) {
            return Optional.ofNullable(values.get(word));
        }

        @Override
        public String name() {
            return "one of";
        }

        @Override
        public String defaultText() {
            return defaultWord == null ? "required" : "`" + defaultWord + "`";
        }

        @Override
        public String range() {
            return values.keySet().stream().map(word -> "`" + word + "`").collect(Collectors.joining(", "));
        }

        @Override
        public T read(Config section, String key) {
            String word = defaultWord == null ? section.requireString(key) : section.string(key, defaultWord);
            return lookup(word).orElseThrow(() -> section.error(key, "expected " + alternatives() + ", got '" + word + "'"));
        }

        /** "a, b or c". */
        private String alternatives() {
            List<String> words = List.copyOf(values.keySet());
            return words.size() == 1 ? words.getFirst()
                    : String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.getLast();
        }
    }

    /** An address to listen on, required: {@code host:port}, {@code [v6]:port} or {@code :port}. */
    record Endpoint() implements SettingType<InetSocketAddress> {
        @Override
        public String name() {
            return "`host:port`";
        }

        @Override
        public String defaultText() {
            return "required";
        }

        @Override
        public String range() {
            return "an address, or `:port` for all; port 0-65535";
        }

        @Override
        public InetSocketAddress read(Config section, String key) {
            return section.socketAddress(key, false).orElseThrow(() -> section.missing(key));
        }
    }

    /**
     * An address to dial, or a list of them; at least one: {@code host:port} or {@code [v6]:port}, whose host may be a
     * name, looked up at each dial.
     */
    record Endpoints() implements SettingType<List<InetSocketAddress>> {
        @Override
        public String name() {
            return "`host:port`, or a list";
        }

        @Override
        public String defaultText() {
            return "required";
        }

        @Override
        public String range() {
            return "a name or an address; port 1-65535";
        }

        @Override
        public List<InetSocketAddress> read(Config section, String key) {
            List<InetSocketAddress> addresses = section.socketAddresses(key, true);
            if (addresses.isEmpty()) {
                throw section.has(key) ? section.error(key, "an empty list; name at least one hub") : section.missing(key);
            }
            return addresses;
        }
    }

    /**
     * A plugin chosen by name: the name alone, or a mapping whose only key is the name and whose value is the plugin's
     * own section ({@code transport: {tcp: {send-buffer: 4194304}}}).
     */
    record Plugin(String defaultName) implements SettingType<Selection> {
        @Override
        public String name() {
            return "plugin";
        }

        @Override
        public String defaultText() {
            return "`" + defaultName + "`";
        }

        @Override
        public Selection read(Config node, String key) {
            ConfigValue value = node.value(key).orElse(null);
            return value == null ? defaultSelection(node, key, defaultName) : selection(node, key, value);
        }
    }

    /**
     * One plugin as {@link Plugin} reads it, or a list of them in order of preference
     * ({@code transport: [udp, {tcp: {send-buffer: 4194304}}]}), each named once.
     */
    record Plugins(String defaultName) implements SettingType<List<Selection>> {
        @Override
        public String name() {
            return "plugin, or a list";
        }

        @Override
        public String defaultText() {
            return "`" + defaultName + "`";
        }

        @Override
        public List<Selection> read(Config node, String key) {
            ConfigValue value = node.value(key).orElse(null);
            if (!(value instanceof ConfigValue.Sequence(List<ConfigValue> items, Config.Location at))) {
                return List.of(value == null ? defaultSelection(node, key, defaultName) : selection(node, key, value));
            }
            if (items.isEmpty()) {
                throw new ConfigException(at, node.qualified(key) + ": an empty list; name at least one");
            }
            List<Selection> selections = new ArrayList<>();
            for (ConfigValue item : items) {
                Selection selection = selection(node, key, item);
                if (selections.stream().anyMatch(s -> s.name().equals(selection.name()))) {
                    throw new ConfigException(selection.location(), node.qualified(key) + ": " + selection.name()
                            + " is listed twice");
                }
                selections.add(selection);
            }
            return List.copyOf(selections);
        }
    }

    private static Selection defaultSelection(Config node, String key, String name) {
        return new Selection(name, Config.empty(node.qualified(key) + "." + name, node.location()), node.location());
    }

    /** A plugin's name alone, or a mapping from its name to its settings. */
    private static Selection selection(Config node, String key, ConfigValue value) {
        return switch (value) {
            case ConfigValue.Scalar(String name, Config.Location at) when name != null ->
                    new Selection(name, Config.empty(node.qualified(key) + "." + name, at), at);
            case Config section when section.keys().size() == 1 -> {
                String name = section.keys().iterator().next();
                Config settings = switch (section.value(name).orElseThrow()) {
                    case Config c -> c;
                    case ConfigValue.Scalar(String text, Config.Location at) when text == null ->
                            Config.empty(section.qualified(name), at);
                    default -> throw section.error(name, "expected the settings of " + name + " as a mapping");
                };
                yield new Selection(name, settings, section.locationOf(name));
            }
            default -> throw node.error(key, "expected a plugin name, or a mapping from one plugin name to its settings");
        };
    }

    /** A plugin as {@link Plugin} reads it, or none when the key is absent. */
    record OptionalPlugin() implements SettingType<Optional<Selection>> {
        @Override
        public String name() {
            return "plugin";
        }

        @Override
        public String defaultText() {
            return "none";
        }

        @Override
        public Optional<Selection> read(Config node, String key) {
            return node.value(key).map(value -> selection(node, key, value));
        }
    }

    /** A single value that the launcher interprets itself (a device name, a file, a key); empty when absent. */
    record Text(String name, String defaultText) implements SettingType<Optional<String>> {
        @Override
        public Optional<String> read(Config section, String key) {
            return section.string(key);
        }
    }

    /** One value or a list of them (addresses, ranges, prefixes), interpreted by the launcher; empty when absent. */
    record Texts(String name, String defaultText) implements SettingType<List<String>> {
        @Override
        public List<String> read(Config section, String key) {
            return section.strings(key);
        }
    }

    /** A mapping of names to sections; empty when absent. */
    record Mapping(String name, String defaultText) implements SettingType<Optional<Config>> {
        @Override
        public Optional<Config> read(Config section, String key) {
            return section.section(key);
        }
    }
}
