package io.lwt.core;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Where a secure hub's clients without a fixed address get one from its pool, the same one each time: a state file of
 * its own ({@link PoolState}), or the store that the hubs of a cluster share ({@link HubCluster}). Called from
 * sessions' readers during their handshakes.
 */
sealed interface AddressAssigner permits PoolState, HubCluster.Addresses {

    /** Whether the pool has a range of that family. */
    boolean hasRange(boolean ipv4);

    /**
     * The client's address of that family: the one it had, else a free one; null when the pool has no range of that
     * family or the range is exhausted.
     *
     * @throws IOException when the addresses cannot be kept or looked up (a file, a cluster store out of reach)
     */
    InetAddress assign(String name, boolean ipv4) throws IOException;
}
