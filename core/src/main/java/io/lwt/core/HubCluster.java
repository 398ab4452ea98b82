package io.lwt.core;

import io.lwt.api.IpPrefix;
import io.lwt.api.cluster.ClusterStore;
import io.lwt.api.cluster.Lease;
import io.lwt.api.cluster.Watch;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A hub's part in a cluster of hubs that serve one network and share its state through a {@link ClusterStore} (etcd),
 * under these keys below the network's prefix:
 * <ul>
 * <li>{@code members/HUB}: the hub's public key and the endpoint its peers reach it at, under its lease, so that a
 * dead hub disappears by itself once its lease ends;</li>
 * <li>{@code locations/CLIENT}: the hub that holds the client's session, under that hub's lease;</li>
 * <li>{@code clients/CLIENT/ipv4} (and {@code ipv6}): the client's pool address, and {@code addresses/ADDRESS}: its
 * client, created together in one transaction, so that no address is ever given to two clients anywhere, and a client
 * keeps its address across hubs and restarts (this replaces a lone hub's pool state file).</li>
 * </ul>
 * A copy of every key, fed by a watch, answers the hub's questions (who is where, which addresses are taken); the store
 * is called only when something changes.
 *
 * <p>Threads: the store's watch thread keeps the copy and reports clients that moved to another hub; the joining
 * thread (virtual, this class's) takes a lease and registers the hub, at start and again whenever the lease is lost;
 * sessions' readers, in their handshakes, assign addresses and {@link #claim} clients; closing sessions
 * {@link #release} them. While it holds no lease, the hub admits no new client: a hub cut off from the store must not
 * take clients it cannot register.
 */
public final class HubCluster implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(HubCluster.class.getName());
    /** How long a hub stays registered after it stops renewing its lease: how soon a dead hub disappears. */
    static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);
    static final String MEMBERS = "members/";
    static final String LOCATIONS = "locations/";
    static final String CLIENTS = "clients/";
    static final String ADDRESSES = "addresses/";

    /** What the hub hears from its cluster. */
    public interface Events {
        /** Another hub now holds {@code client}'s session, as the store confirmed: this hub's, if it has one, is stale. */
        void moved(String client, String hub);

        /** The cluster's members now, hub names to the endpoints they registered. */
        void members(Map<String, String> members);
    }

    private final ClusterStore store;
    private final String hub;
    private final String member;
    private final Events events;
    private final Supplier<Collection<String>> clientsHere;
    /** Every key under the prefix, as the watch last reported it. */
    private final Map<String, String> copy = new ConcurrentHashMap<>();
    private volatile Lease lease;
    private volatile boolean closed;
    private volatile String unreachable; // why the store could not be reached last, or null
    private volatile Watch watch;
    private volatile Thread joining;
    private final RemoteClients remote = new RemoteClients();
    /** A client's addresses by name, as the hub's entries and the store give them; set by the hub's protocol. */
    private volatile java.util.function.Function<String, RemoteClients.Addresses> clientAddresses = name -> null;

    /**
     * The hub's part in its cluster, which it {@link #start starts} once it runs.
     *
     * @param publicKey the hub's static public key, which its peers pin
     * @param endpoint where the other hubs reach this one
     * @param clientsHere the clients whose sessions this hub holds, registered again with each new lease
     */
    public HubCluster(ClusterStore store, String hub, byte[] publicKey, String endpoint, Events events,
            Supplier<Collection<String>> clientsHere) {
        this.store = store;
        this.hub = hub;
        this.member = StaticKeys.text(publicKey) + " " + endpoint;
        this.events = events;
        this.clientsHere = clientsHere;
    }

    /**
     * Joins the cluster: watches the store at once and registers the hub in the background, retrying while the store
     * cannot be reached; {@link #accepting} says when it has.
     */
    void start() {
        watch = store.watch("", new Copy());
        joining = Threads.virtual("lwt-cluster-join").start(this::joinLoop);
    }

    /** The hub's name in the cluster. */
    public String hub() {
        return hub;
    }

    /** The clients of the other hubs, by address. */
    RemoteClients remote() {
        return remote;
    }

    /** How to learn a client's addresses (its entry's, or those the store keeps), for {@link #remote}. */
    void clientAddresses(java.util.function.Function<String, RemoteClients.Addresses> addresses) {
        clientAddresses = addresses;
        refreshRemote();
    }

    /** A client's pool address of a family as the copy has it, or null. */
    InetAddress pooled(String client, boolean ipv4) {
        String text = copy.get(CLIENTS + client + (ipv4 ? "/ipv4" : "/ipv6"));
        return text == null ? null : IpPrefix.literal(text);
    }

    private void refreshRemote() {
        remote.update(locations(), hub, clientAddresses);
    }

    /** Whether the hub holds a lease, and so registers and admits clients. */
    public boolean accepting() {
        return lease != null;
    }

    /** Why the hub admits no client now, or null when it does. */
    String refusal() {
        if (lease != null) {
            return null;
        }
        String cause = unreachable;
        return "this hub is not registered in its cluster" + (cause == null ? "" : " (" + cause + ")");
    }

    /**
     * Registers the hub and the clients it holds under a new lease, retrying with backoff while the store cannot be
     * reached; ends when the hub closes. A lost lease starts it again.
     */
    private void joinLoop() {
        Duration retry = FIRST_RETRY;
        boolean logged = false;
        while (!closed) {
            try {
                Lease granted = store.grant(LEASE, this::lost);
                store.put(MEMBERS + hub, member, granted);
                for (String client : clientsHere.get()) {
                    store.put(LOCATIONS + client, hub, granted);
                }
                lease = granted;
                unreachable = null;
                LOG.log(Level.INFO, "cluster: hub {0} registered", hub);
                return;
            } catch (IOException | RuntimeException e) {
                unreachable = Nodes.describe(e);
                if (!logged) { // one line until it works
                    LOG.log(Level.WARNING, "cluster: cannot register hub {0}: {1}; admitting no client until the store "
                            + "answers", hub, unreachable);
                    logged = true;
                }
                try {
                    Thread.sleep(Nodes.jitter(retry));
                } catch (InterruptedException interrupted) {
                    return;
                }
                retry = Nodes.min(retry.multipliedBy(2), MAX_RETRY);
            }
        }
    }

    private void lost(String reason) {
        lease = null;
        unreachable = reason;
        if (!closed) {
            LOG.log(Level.WARNING, "cluster: hub {0} lost its lease ({1}): admitting no client until it registers "
                    + "again", hub, reason);
            joining = Threads.virtual("lwt-cluster-join").start(this::joinLoop); // for close() to interrupt
        }
    }

    /**
     * Registers that this hub holds {@code client}'s session; another hub that held it sees that and ends its own.
     *
     * @throws IOException when the hub holds no lease or the store cannot be reached: the client is refused for now
     */
    void claim(String client) throws IOException {
        Lease held = lease;
        if (held == null) {
            throw new IOException(refusal());
        }
        store.put(LOCATIONS + client, hub, held);
        copy.put(LOCATIONS + client, hub); // before the watch says so: this hub's own sessions never look stale
        refreshRemote();
    }

    /**
     * This hub no longer holds {@code client}'s session: its registration goes, unless another hub took it meanwhile.
     * In the background, since a closing session must not wait for the store; the lease ends it anyway.
     */
    void release(String client) {
        Threads.virtual("lwt-cluster-release").start(() -> {
            try {
                store.delete(LOCATIONS + client, hub);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "cluster: cannot release {0}: {1}", client, Nodes.describe(e));
            }
        });
    }

    /** The members of the cluster now: hub name to its endpoint (the value after the public key). */
    Map<String, String> members() {
        return under(MEMBERS, value -> value.substring(value.indexOf(' ') + 1));
    }

    /** Where clients are now: client name to hub name. */
    Map<String, String> locations() {
        return under(LOCATIONS, value -> value);
    }

    /** The copy's keys under {@code prefix}, without it, in order, to their values as {@code value} reads them. */
    private Map<String, String> under(String prefix, java.util.function.UnaryOperator<String> value) {
        return copy.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toMap(e -> e.getKey().substring(prefix.length()), e -> value.apply(e.getValue()),
                        (a, b) -> a, TreeMap::new));
    }

    /** The pool of a clustered hub, whose addresses all the hubs share. */
    Addresses addresses(HubAccess.AddressPool pool) {
        return new Addresses(pool);
    }

    /** Stops watching, and revokes the lease, so that the hub and its clients' locations go at once. */
    @Override
    public void close() {
        closed = true;
        Thread j = joining;
        if (j != null) {
            j.interrupt();
        }
        Lease held = lease;
        lease = null;
        if (held != null) {
            held.close();
        }
        Watch w = watch;
        if (w != null) {
            w.close();
        }
        store.close();
    }

    /** Keeps the copy, and tells the hub of clients that moved away from it. */
    private final class Copy implements Watch.Listener {
        @Override
        public void reset(Map<String, String> entries) {
            Map<String, String> before = new HashMap<>(copy);
            copy.keySet().retainAll(entries.keySet());
            copy.putAll(entries);
            entries.forEach((key, value) -> {
                if (!value.equals(before.get(key))) {
                    movedAway(key, value);
                }
            });
            refreshRemote();
            events.members(members());
        }

        @Override
        public void changed(String key, String value) {
            if (value == null) {
                copy.remove(key);
            } else {
                copy.put(key, value);
                movedAway(key, value);
            }
            if (key.startsWith(LOCATIONS) || key.startsWith(CLIENTS)) {
                refreshRemote();
            } else if (key.startsWith(MEMBERS)) {
                events.members(members());
            }
        }

        @Override
        public void unreachable(String reason) {
            unreachable = reason;
        }

        /**
         * A location that names another hub may be older than this hub's own claim, which the watch has yet to report:
         * the store's answer now (a read the cluster agrees on) decides, off the watch's thread.
         */
        private void movedAway(String key, String value) {
            if (!key.startsWith(LOCATIONS) || value.equals(hub)) {
                return;
            }
            String client = key.substring(LOCATIONS.length());
            Threads.virtual("lwt-cluster-moved").start(() -> {
                try {
                    String now = store.get(key);
                    if (now != null && !now.equals(hub)) {
                        events.moved(client, now);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.DEBUG, "cluster: cannot confirm where {0} is: {1}", client, Nodes.describe(e));
                }
            });
        }
    }

    /**
     * A clustered hub's pool: a client's address is kept under {@code clients/NAME/FAMILY}, and each address taken
     * under {@code addresses/ADDRESS}, both created in one transaction, so that two hubs assigning at the same moment
     * never give one address to two clients, nor two addresses to one client.
     */
    final class Addresses implements AddressAssigner {
        private final HubAccess.AddressPool pool;

        private Addresses(HubAccess.AddressPool pool) {
            this.pool = pool;
        }

        @Override
        public boolean hasRange(boolean ipv4) {
            return pool.rangeFor(ipv4) != null;
        }

        @Override
        public InetAddress assign(String name, boolean ipv4) throws IOException {
            HubAccess.AddressRange range = pool.rangeFor(ipv4);
            if (range == null) {
                return null;
            }
            String clientKey = CLIENTS + name + (ipv4 ? "/ipv4" : "/ipv6");
            InetAddress known = parse(store.get(clientKey));
            if (known != null && range.contains(known)) {
                return known;
            }
            if (known != null) { // from a pool since changed: give it back
                store.delete(clientKey, IpPrefix.text(known));
                store.delete(ADDRESSES + IpPrefix.text(known), name);
            }
            Set<InetAddress> taken = copy.keySet().stream().filter(k -> k.startsWith(ADDRESSES))
                    .map(k -> IpPrefix.literal(k.substring(ADDRESSES.length())))
                    .filter(a -> (a instanceof Inet4Address) == ipv4).collect(Collectors.toSet());
            for (InetAddress candidate = range.lowestFree(taken::contains); candidate != null;
                    candidate = range.lowestFree(taken::contains)) {
                String text = IpPrefix.text(candidate);
                if (store.create(Map.of(clientKey, text, ADDRESSES + text, name), null)) {
                    return candidate;
                }
                InetAddress raced = parse(store.get(clientKey)); // another hub assigned this client meanwhile
                if (raced != null) {
                    return raced;
                }
                taken.add(candidate); // another client took it meanwhile
            }
            return null;
        }

        private static InetAddress parse(String text) {
            return text == null ? null : IpPrefix.literal(text);
        }
    }

}
