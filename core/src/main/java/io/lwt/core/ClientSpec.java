package io.lwt.core;

import io.lwt.api.tun.TunOptions;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What a client node is: its name, TUN device name and MTU, the hub it connects to (possibly unresolved), and how
 * it authenticates. Its tunnel address comes from the hub's WELCOME, or from {@link ClientAuth.Legacy}.
 *
 * @param device TUN device name, or null to let the kernel choose
 */
public record ClientSpec(String name, String device, int mtu, InetSocketAddress hub, SessionSettings session,
        ClientAuth auth) {

    public ClientSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(auth, "auth");
        if (mtu < TunOptions.MIN_MTU || mtu > TunOptions.MAX_MTU) {
            throw new IllegalArgumentException("mtu " + mtu + " is out of range " + TunOptions.MIN_MTU + ".." + TunOptions.MAX_MTU);
        }
    }
}
