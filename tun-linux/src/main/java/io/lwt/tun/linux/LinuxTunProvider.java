package io.lwt.tun.linux;

import io.lwt.api.Config;
import io.lwt.api.tun.TunDriver;
import io.lwt.api.tun.TunProvider;
import java.util.Set;

/**
 * TUN driver {@code linux}. Key {@code configure} (default true): whether this node sets the device's address, MTU,
 * routes and link state itself (needs CAP_NET_ADMIN), or attaches to a persistent device that an administrator
 * created for its user and configured ({@code ip tuntap add dev NAME mode tun user USER}), needing no capability.
 *
 * <p>Key {@code offload} (default true): whether to ask the kernel for checksum and TCP segmentation offloads, so
 * that packets carry a {@link io.lwt.api.tun.VirtioNetHeader} and TCP arrives as super-segments of up to 64 KiB
 * ({@link io.lwt.api.tun.TunDevice#offloads()}). A kernel that refuses them gets plain packets and one warning. It
 * needs no capability, so it works on an attached persistent device too.
 */
public final class LinuxTunProvider implements TunProvider {

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public TunDriver create(Config config) {
        config.requireOnly(Set.of("configure", "offload"));
        boolean configure = config.bool("configure", true);
        boolean offload = config.bool("offload", true);
        return options -> LinuxTunDevice.open(options, configure, offload);
    }
}
