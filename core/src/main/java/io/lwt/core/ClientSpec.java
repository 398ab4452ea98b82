package io.lwt.core;

import io.lwt.api.tun.TunOptions;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * What a client node is: its name, TUN device name and MTU, the hubs it may connect to (possibly unresolved), and
 * how it authenticates. Its tunnel address comes from the hub's WELCOME, or from {@link ClientAuth.Legacy}.
 *
 * @param device TUN device name, or null to let the kernel choose
 * @param hubs at least one: the hubs of one network, any of which serves the client
 */
public record ClientSpec(String name, String device, int mtu, List<InetSocketAddress> hubs, SessionSettings session,
        ClientAuth auth) {

    public ClientSpec {
        Objects.requireNonNull(name, "name");
        hubs = List.copyOf(hubs);
        if (hubs.isEmpty()) {
            throw new IllegalArgumentException("a client needs a hub to connect to");
        }
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(auth, "auth");
        if (mtu < TunOptions.MIN_MTU || mtu > TunOptions.MAX_MTU) {
            throw new IllegalArgumentException("mtu " + mtu + " is out of range " + TunOptions.MIN_MTU + ".." + TunOptions.MAX_MTU);
        }
    }
}
