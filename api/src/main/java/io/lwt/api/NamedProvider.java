package io.lwt.api;

/**
 * A named factory, found with {@link java.util.ServiceLoader}. {@link #name()} is the key users write in YAML;
 * {@link #create(Config)} builds an immutable, validated instance from that key's own section.
 *
 * @param <T> what the provider builds
 */
public interface NamedProvider<T> {

    /** The key in YAML, for example {@code tcp} or {@code length-prefix}: lower case, digits and dashes. */
    String name();

    /**
     * Builds an instance from this provider's section of the configuration.
     *
     * @throws ConfigException for an unknown or invalid key, naming the key and where it is
     */
    T create(Config config);
}
