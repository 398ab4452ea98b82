package io.lwt.core.handshake;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * WireGuard's defence against replayed initiations: per client, the latest timestamp accepted; an initiation is taken
 * only with a later one. A recorded initiation is therefore useless as soon as its client has connected once more, and
 * can never replace a live session. Kept in memory: a restarted hub takes any timestamp once. Sessions' readers call
 * it concurrently.
 */
public final class ReplayGuard {

    private final Map<String, byte[]> latest = new HashMap<>();

    /** Whether {@code timestamp} is later than every one accepted for {@code client}; if so, it is the latest now. */
    public synchronized boolean accept(String client, byte[] timestamp) {
        byte[] last = latest.get(client);
        if (last != null && Arrays.compareUnsigned(timestamp, last) <= 0) {
            return false;
        }
        latest.put(client, timestamp.clone());
        return true;
    }

    /** Forgets the clients that are gone (a reload removed them), so the map holds only known clients. */
    public synchronized void retain(java.util.Set<String> clients) {
        latest.keySet().retainAll(clients);
    }
}
