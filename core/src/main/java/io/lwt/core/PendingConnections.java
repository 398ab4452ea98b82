package io.lwt.core;

import io.lwt.api.IpPrefix;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The hub's connections that have not authenticated yet, oldest first, bounded so that no one source can keep
 * others out: at most {@code max} (max-handshakes) in all, {@value #PER_NETWORK} from one network (an IPv4 /24, an
 * IPv6 /64: one site, or one host's many addresses), {@value #PER_ADDRESS} from one address. A newcomer over its
 * address's or its network's share is refused; one that finds every place taken evicts the oldest, which has had the
 * longest to finish. While half the places or more are taken, a connection that has not finished within
 * {@link #PRESSED_TIMEOUT} is closed, since a handshake takes one round trip. Authenticated sessions are not counted
 * here: max-clients bounds those.
 *
 * <p>Used by the accept thread ({@link #refusal}, {@link #add}) and the ticker ({@link #overdue}); synchronized.
 * Sessions leave lazily: each decision first drops those no longer pending (closed, or authenticated), so it costs a
 * walk over at most {@code max} entries and the sessions' threads keep no books here.
 */
final class PendingConnections<S> {

    /** How long a handshake may take while the hub is under pressure; a real one takes a round trip. */
    static final Duration PRESSED_TIMEOUT = Duration.ofSeconds(2);
    /** Enough for the clients behind one NAT reconnecting together, each handshake a round trip long. */
    static final int PER_ADDRESS = 8;
    /** Four times an address's share: a site's hosts, or one host's many IPv6 addresses. */
    static final int PER_NETWORK = 32;

    private final Predicate<S> pending;
    private final ArrayDeque<Entry<S>> entries = new ArrayDeque<>();

    private record Entry<S>(S session, InetAddress address, InetAddress network, long since) {}

    /** @param pending whether a session still counts: not closed, and not yet authenticated */
    PendingConnections(Predicate<S> pending) {
        this.pending = pending;
    }

    /**
     * Why a connection from {@code address} may not join the pending ones: its address or network holds its share
     * already. Null when it may; then {@link #add} it.
     */
    synchronized String refusal(InetAddress address, int max) {
        prune();
        InetAddress network = network(address);
        int fromAddress = 0;
        int fromNetwork = 0;
        for (Entry<S> e : entries) {
            if (e.network().equals(network)) {
                fromNetwork++;
                if (e.address().equals(address)) {
                    fromAddress++;
                }
            }
        }
        if (fromAddress >= perAddress(max)) {
            return perAddress(max) + " connections from this address are still in the handshake";
        }
        if (fromNetwork >= perNetwork(max)) {
            return perNetwork(max) + " connections from " + IpPrefix.text(network) + (network instanceof Inet4Address
                    ? "/24" : "/64") + " are still in the handshake";
        }
        return null;
    }

    /** Takes {@code session} from {@code address} in; returns the oldest pending one it evicts when all are taken. */
    synchronized S add(S session, InetAddress address, int max, long now) {
        prune();
        S evicted = entries.size() >= max ? entries.removeFirst().session() : null;
        entries.addLast(new Entry<>(session, address, network(address), now));
        return evicted;
    }

    /** The pending sessions to close now: those older than {@link #PRESSED_TIMEOUT} while half the places are taken. */
    synchronized List<S> overdue(int max, long now) {
        prune();
        List<S> overdue = new ArrayList<>();
        if (entries.size() * 2 < max) {
            return overdue;
        }
        for (Iterator<Entry<S>> i = entries.iterator(); i.hasNext(); ) {
            Entry<S> e = i.next();
            if (now - e.since() <= PRESSED_TIMEOUT.toNanos()) {
                break; // oldest first: the rest are younger
            }
            overdue.add(e.session());
            i.remove();
        }
        return overdue;
    }

    synchronized int size() {
        prune();
        return entries.size();
    }

    private void prune() {
        entries.removeIf(e -> !pending.test(e.session()));
    }

    static int perAddress(int max) {
        return Math.min(max, PER_ADDRESS);
    }

    static int perNetwork(int max) {
        return Math.min(max, PER_NETWORK);
    }

    /** The /24 of an IPv4 address, the /64 of an IPv6 one: one site, or one host's addresses. */
    static InetAddress network(InetAddress address) {
        byte[] bytes = address.getAddress();
        int keep = address instanceof Inet4Address ? 3 : 8;
        Arrays.fill(bytes, keep, bytes.length, (byte) 0);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // a 4- or 16-byte array is always an address
        }
    }
}
