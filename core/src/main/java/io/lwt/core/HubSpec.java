package io.lwt.core;

import io.lwt.api.tun.TunOptions;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What a hub node is: its name, TUN device, where it listens, how many connections it takes, who may join.
 *
 * @param maxClients the most connections served at once; further ones are refused with a logged reason
 */
public record HubSpec(String name, TunOptions tun, InetSocketAddress listen, int maxClients, SessionSettings session,
        HubAccess access) {

    public static final int DEFAULT_MAX_CLIENTS = 100;

    public HubSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tun, "tun");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(access, "access");
        if (maxClients < 1) {
            throw new IllegalArgumentException("max-clients must be at least 1");
        }
    }
}
