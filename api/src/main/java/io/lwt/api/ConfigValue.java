package io.lwt.api;

import java.util.List;

/** A configuration value that remembers where it was written: a scalar, a sequence or a nested {@link Config}. */
public sealed interface ConfigValue permits ConfigValue.Scalar, ConfigValue.Sequence, Config {

    Config.Location location();

    /** A scalar as written (numbers and booleans too), or {@code null} text for an explicit YAML null. */
    record Scalar(String text, Config.Location location) implements ConfigValue {}

    record Sequence(List<ConfigValue> items, Config.Location location) implements ConfigValue {
        public Sequence {
            items = List.copyOf(items);
        }
    }
}
