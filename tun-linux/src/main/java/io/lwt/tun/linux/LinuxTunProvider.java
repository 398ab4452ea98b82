package io.lwt.tun.linux;

import io.lwt.api.Config;
import io.lwt.api.tun.TunDriver;
import io.lwt.api.tun.TunProvider;
import java.util.Set;

/** TUN driver {@code linux}. No keys yet; multi-queue and offloads will add them. */
public final class LinuxTunProvider implements TunProvider {

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public TunDriver create(Config config) {
        config.requireOnly(Set.of());
        return LinuxTunDevice::open;
    }
}
