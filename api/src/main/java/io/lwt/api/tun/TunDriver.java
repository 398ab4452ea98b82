package io.lwt.api.tun;

import java.io.IOException;

/** Opens TUN devices. Built once per node from its configuration; thread-safe. */
public interface TunDriver {

    /**
     * Creates and configures a device: name, address and prefix, MTU, link up.
     *
     * @throws IOException with a one-line message naming the cause (no permission, no /dev/net/tun, name in use)
     */
    TunDevice open(TunOptions options) throws IOException;
}
