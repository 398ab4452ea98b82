package io.lwt.api.transport;

import io.lwt.api.NamedProvider;

/** Named factory of transports, e.g. {@code tcp}; selected in YAML under {@code transport:}. */
public interface TransportProvider extends NamedProvider<Transport> {}
