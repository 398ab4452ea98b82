package io.lwt.core;

import io.lwt.api.tun.TunOptions;
import java.net.InetSocketAddress;
import java.util.Objects;

/** What a client node is: its name, TUN device and the hub it connects to (possibly unresolved). */
public record ClientSpec(String name, TunOptions tun, InetSocketAddress hub, SessionSettings session) {

    public ClientSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tun, "tun");
        Objects.requireNonNull(hub, "hub");
        Objects.requireNonNull(session, "session");
    }
}
