package io.lwt.launcher;

import io.lwt.api.Config;
import java.util.Objects;
import java.util.Set;

/**
 * One setting of a node, declared once in {@link NodeSettings}: its key, where it may be written, its type (which
 * holds its default and range and reads it), whether a reload applies it, and one line for the reference.
 */
record Setting<T>(String key, Set<Scope> scopes, SettingType<T> type, Reload reload, String doc) {

    /** Where a setting may be written: on a hub, on a client, or in an entry of a hub's {@code clients:}. */
    enum Scope {
        HUB("hub"),
        CLIENT("client"),
        CLIENT_ENTRY("clients entry");

        final String text;

        Scope(String text) {
            this.text = text;
        }
    }

    /** What a reload does with a changed value: applies it, or keeps the running one until a restart. */
    enum Reload {
        LIVE,
        RESTART
    }

    Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reload, "reload");
        Objects.requireNonNull(doc, "doc");
        scopes = Set.copyOf(scopes);
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException(key + ": no scope");
        }
    }

    /** The value in {@code section}, or the default when it is absent; a bad value is an error located at it. */
    T read(Config section) {
        return type.read(section, key);
    }
}
