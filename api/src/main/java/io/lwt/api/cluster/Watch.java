package io.lwt.api.cluster;

import java.io.Closeable;
import java.util.Map;

/** A watch on the keys under a prefix ({@link ClusterStore#watch}); closing it ends it. */
public interface Watch extends Closeable {

    @Override
    void close();

    /** What a watch reports, one call at a time, in the store's order, from a thread of the plugin's. */
    interface Listener {
        /** Every key under the prefix now, with its value: forget what came before. */
        void reset(Map<String, String> entries);

        /** A key was set ({@code value} not null) or deleted ({@code value} null). */
        void changed(String key, String value);

        /** The store cannot be reached now; the watch tries again, and resumes or resets once it can. */
        default void unreachable(String reason) {}
    }
}
