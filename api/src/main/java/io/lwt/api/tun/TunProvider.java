package io.lwt.api.tun;

import io.lwt.api.NamedProvider;

/** Named factory of TUN drivers, e.g. {@code linux}; selected in YAML under {@code tun:}. */
public interface TunProvider extends NamedProvider<TunDriver> {}
