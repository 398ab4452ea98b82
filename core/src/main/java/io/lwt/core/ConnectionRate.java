package io.lwt.core;

import io.lwt.api.IpPrefix;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * New connections per source: a token bucket per IPv4 address, and per IPv6 /64 (one host may have all of its
 * addresses), holding up to one second's worth, so one host cannot fill the handshake places faster than the limit
 * while others still get in. Used by the accept thread only.
 */
final class ConnectionRate {

    private static final long SECOND = 1_000_000_000L;
    /** Buckets idle this long are full again and are forgotten, so the map stays small. */
    private static final long FORGET_AFTER = 10 * SECOND;

    private record Bucket(double tokens, long updated) {}

    private final int perSecond;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();
    private long lastSweep = System.nanoTime();

    ConnectionRate(int perSecond) {
        this.perSecond = perSecond;
    }

    /** Takes a token for a connection from {@code source}; false when that source is over its rate. */
    boolean admit(InetAddress address, long now) {
        InetAddress source = source(address);
        if (now - lastSweep > FORGET_AFTER) {
            buckets.values().removeIf(b -> now - b.updated() > FORGET_AFTER);
            lastSweep = now;
        }
        Bucket b = buckets.get(source);
        double tokens = b == null ? perSecond : Math.min(perSecond, b.tokens() + (now - b.updated()) * perSecond / (double) SECOND);
        if (tokens < 1) {
            buckets.put(source, new Bucket(tokens, now));
            return false;
        }
        buckets.put(source, new Bucket(tokens - 1, now));
        return true;
    }

    /** Why a connection from {@code address} was refused by {@link #admit}. */
    String refusal(InetAddress address) {
        return "more than " + perSecond + " connections per second from "
                + (address instanceof Inet6Address ? IpPrefix.text(source(address)) + "/64" : "this address");
    }

    private static InetAddress source(InetAddress address) {
        return address instanceof Inet6Address ? PendingConnections.network(address) : address;
    }
}
