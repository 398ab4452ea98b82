package io.lwt.api.routing;

import io.lwt.api.NamedProvider;

/** Named factory of routing policies, e.g. {@code hub}; selected in YAML under {@code routing:}. */
public interface RoutingProvider extends NamedProvider<RoutingPolicy> {}
