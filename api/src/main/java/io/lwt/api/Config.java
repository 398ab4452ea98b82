package io.lwt.api;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * An immutable section of configuration: a mapping from keys to values, each value remembering where in the
 * source it was written, so that every error can say {@code file:line:column}. The launcher builds it from YAML;
 * tests build it with {@link #builder}. Scalars are kept as text and parsed by the typed getters.
 */
public final class Config implements ConfigValue {

    /** Where a value was written. Line and column start at 1; 0 means unknown. */
    public record Location(String source, int line, int column) {
        public static Location of(String source) {
            return new Location(source, 0, 0);
        }

        @Override
        public String toString() {
            return line > 0 ? source + ":" + line + ":" + column : source;
        }
    }

    private final String path;
    private final Location location;
    private final Map<String, ConfigValue> entries;

    private Config(String path, Location location, Map<String, ConfigValue> entries) {
        this.path = path;
        this.location = location;
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** An empty section, for a provider selected by name alone. */
    public static Config empty(String path, Location location) {
        return new Config(path, location, Map.of());
    }

    public static Builder builder(String path, Location location) {
        return new Builder(path, location);
    }

    /** The dotted path of this section from the root, e.g. {@code nodes.hub.transport.tcp}; empty for the root. */
    public String path() {
        return path;
    }

    @Override
    public Location location() {
        return location;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Optional<ConfigValue> value(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Where a key's value is, or this section's own location when the key is absent. */
    public Location locationOf(String key) {
        ConfigValue value = entries.get(key);
        return value == null ? location : value.location();
    }

    /** An error about a key, located at its value. */
    public ConfigException error(String key, String reason) {
        return new ConfigException(locationOf(key), qualified(key) + ": " + reason);
    }

    /** The key with this section's path, as users see it in messages. */
    public String qualified(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * Rejects any key not in {@code known}, naming it and suggesting the closest known key.
     *
     * @throws ConfigException for the first unknown key
     */
    public void requireOnly(Set<String> known) {
        for (String key : entries.keySet()) {
            if (!known.contains(key)) {
                String hint = closest(key, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
                throw error(key, "unknown key" + hint);
            }
        }
    }

    public Optional<String> string(String key) {
        ConfigValue value = entries.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof ConfigValue.Scalar(String text, Location ignored) && text != null) {
            return Optional.of(text);
        }
        throw error(key, "expected a single value");
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    public String requireString(String key) {
        return string(key).orElseThrow(() -> missing(key));
    }

    /** The error for a required key that is absent, located at this section. */
    public ConfigException missing(String key) {
        return new ConfigException(location, qualified(key) + ": missing");
    }

    public int integer(String key, int defaultValue, int min, int max) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text.get().trim());
        } catch (NumberFormatException e) {
            throw error(key, "expected an integer, got '" + text.get() + "'");
        }
        if (value < min || value > max) {
            throw error(key, value + " is out of range " + min + ".." + max);
        }
        return value;
    }

    public boolean bool(String key, boolean defaultValue) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get().trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, "expected true or false, got '" + text.get() + "'");
        };
    }

    /** A duration such as {@code 500ms}, {@code 10s}, {@code 2m} or {@code 1h}; a bare number is seconds. */
    public Duration duration(String key, Duration defaultValue) {
        return parsed(key, ValueSyntax::duration).orElse(defaultValue);
    }

    /** A size in bytes within {@code min..max}. */
    public int size(String key, int defaultValue, int min, int max) {
        Optional<Long> value = parsed(key, ValueSyntax::size);
        if (value.isEmpty()) {
            return defaultValue;
        }
        if (value.get() < min || value.get() > max) {
            throw error(key, value.get() + " is out of range " + min + ".." + max);
        }
        return value.get().intValue();
    }

    /**
     * A socket address: {@code host:port}, {@code [v6]:port}, or {@code :port} for every local address. The host must
     * be an address literal unless {@code nameAllowed} (an address to dial, whose port is then 1 or more): a name is
     * then kept unresolved, to be looked up when it is dialed.
     */
    public Optional<InetSocketAddress> socketAddress(String key, boolean nameAllowed) {
        return parsed(key, text -> ValueSyntax.socketAddress(text, nameAllowed));
    }

    /** The scalar at {@code key} parsed by {@code parser}, whose IllegalArgumentException becomes an error there. */
    private <T> Optional<T> parsed(String key, Function<String, T> parser) {
        return string(key).map(text -> {
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        });
    }

    public Optional<Config> section(String key) {
        ConfigValue value = entries.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Config section) {
            return Optional.of(section);
        }
        throw error(key, "expected a mapping of keys to values");
    }

    /**
     * One socket address or a list of them, as {@link #socketAddress} reads each; empty when absent. An error names the
     * item's own line and column.
     */
    public List<InetSocketAddress> socketAddresses(String key, boolean nameAllowed) {
        ConfigValue value = entries.get(key);
        if (!(value instanceof ConfigValue.Sequence(List<ConfigValue> items, Location ignored))) {
            return socketAddress(key, nameAllowed).map(List::of).orElse(List.of());
        }
        List<InetSocketAddress> addresses = new ArrayList<>(items.size());
        for (ConfigValue item : items) {
            if (!(item instanceof ConfigValue.Scalar(String text, Location at)) || text == null) {
                throw new ConfigException(item.location(), qualified(key) + ": expected a list of addresses");
            }
            try {
                addresses.add(ValueSyntax.socketAddress(text, nameAllowed));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at, qualified(key) + ": " + e.getMessage());
            }
        }
        return List.copyOf(addresses);
    }

    /** A list of scalars; a single scalar counts as a list of one. */
    public List<String> strings(String key) {
        ConfigValue value = entries.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof ConfigValue.Scalar(String text, Location ignored) && text != null) {
            return List.of(text);
        }
        if (value instanceof ConfigValue.Sequence(List<ConfigValue> items, Location ignored)) {
            List<String> texts = new ArrayList<>(items.size());
            for (ConfigValue item : items) {
                if (!(item instanceof ConfigValue.Scalar(String text, Location at)) || text == null) {
                    throw new ConfigException(item.location(), qualified(key) + ": expected a list of values");
                }
                texts.add(text);
            }
            return List.copyOf(texts);
        }
        throw error(key, "expected a list of values");
    }

    /**
     * A file named by {@code key}. A relative path is resolved against the directory of the file this section was
     * read from (its location's source), so a topology file and the files it names can move together.
     */
    public Optional<Path> file(String key) {
        return string(key).map(text -> {
            Path path = Path.of(text.trim());
            if (path.isAbsolute()) {
                return path;
            }
            Path parent = Path.of(locationOf(key).source()).toAbsolutePath().getParent();
            return parent == null ? path.toAbsolutePath() : parent.resolve(path);
        });
    }

    /** The known key closest to {@code key} within a small edit distance, for "did you mean" hints. */
    public static Optional<String> closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Math.max(2, key.length() / 3) + 1;
        for (String candidate : known) {
            int d = editDistance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    @Override
    public String toString() {
        return "Config[" + (path.isEmpty() ? "<root>" : path) + " " + entries.keySet() + "]";
    }

    /** Builds a {@link Config}; keys keep their insertion order. */
    public static final class Builder {
        private final String path;
        private final Location location;
        private final Map<String, ConfigValue> entries = new LinkedHashMap<>();

        private Builder(String path, Location location) {
            this.path = path;
            this.location = location;
        }

        public Builder put(String key, ConfigValue value) {
            entries.put(key, value);
            return this;
        }

        /** A scalar located at this section, for values made in code. */
        public Builder put(String key, String text) {
            return put(key, new ConfigValue.Scalar(text, location));
        }

        public Config build() {
            return new Config(path, location, entries);
        }
    }
}
