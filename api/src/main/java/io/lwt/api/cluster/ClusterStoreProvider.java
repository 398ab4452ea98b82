package io.lwt.api.cluster;

import io.lwt.api.NamedProvider;

/**
 * Named factory of cluster stores, e.g. {@code etcd}; selected in YAML under a hub's {@code cluster:}. Creating a store
 * validates its settings and connects to nothing: it reaches the store at its first call.
 */
public interface ClusterStoreProvider extends NamedProvider<ClusterStore> {}
