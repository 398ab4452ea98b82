package io.lwt.tun.linux;

import io.lwt.api.Config;
import io.lwt.api.tun.TunDriver;
import io.lwt.api.tun.TunProvider;
import java.util.Set;

/**
 * TUN driver {@code linux}. Key {@code configure} (default true): whether this node sets the device's address, MTU,
 * routes and link state itself (needs CAP_NET_ADMIN), or attaches to a persistent device that an administrator
 * created for its user and configured ({@code ip tuntap add dev NAME mode tun user USER}), needing no capability.
 */
public final class LinuxTunProvider implements TunProvider {

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public TunDriver create(Config config) {
        config.requireOnly(Set.of("configure"));
        boolean configure = config.bool("configure", true);
        return options -> LinuxTunDevice.open(options, configure);
    }
}
