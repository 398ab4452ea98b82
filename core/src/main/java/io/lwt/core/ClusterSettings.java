package io.lwt.core;

import io.lwt.api.cluster.ClusterStore;
import java.util.Objects;

/**
 * How a hub takes part in a cluster of hubs that serve one network.
 *
 * @param store the store the hubs share (the plugin's; the hub closes it when it stops)
 * @param endpoint where the other hubs reach this one, {@code host:port}, as it registers it; port 0 stands for the
 *     port the hub's listeners got
 */
public record ClusterSettings(ClusterStore store, String endpoint) {

    /** The longest name (bytes of UTF-8) of a hub of a cluster: its links' initiations carry it. */
    public static final int MAX_HUB_NAME = io.lwt.core.handshake.ClientHandshake.MAX_HUB_NAME;

    public ClusterSettings {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(endpoint, "endpoint");
    }
}
