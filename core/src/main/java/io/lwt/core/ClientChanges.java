package io.lwt.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a hub's clients differ between two definitions: added, removed, and changed ones (key, addresses or subnets).
 * Removed and changed clients must reconnect under the new definition.
 */
record ClientChanges(List<String> added, List<String> removed, List<String> changed) {

    static ClientChanges between(Map<String, HubAccess.ClientEntry> before, Map<String, HubAccess.ClientEntry> after) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        after.keySet().stream().filter(name -> !before.containsKey(name)).sorted().forEach(added::add);
        before.keySet().stream().filter(name -> !after.containsKey(name)).sorted().forEach(removed::add);
        before.keySet().stream().filter(after::containsKey).sorted()
                .filter(name -> !same(before.get(name), after.get(name))).forEach(changed::add);
        return new ClientChanges(List.copyOf(added), List.copyOf(removed), List.copyOf(changed));
    }

    private static boolean same(HubAccess.ClientEntry a, HubAccess.ClientEntry b) {
        return Arrays.equals(a.key(), b.key()) && Objects.equals(a.address(), b.address())
                && Objects.equals(a.ipv6Address(), b.ipv6Address()) && a.routes().equals(b.routes());
    }

    /** The clients whose sessions end. */
    List<String> disconnected() {
        List<String> names = new ArrayList<>(removed);
        names.addAll(changed);
        return names;
    }

    /** Adds a phrase for each kind of change there is. */
    void describe(List<String> phrases) {
        if (!added.isEmpty()) {
            phrases.add("clients added: " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            phrases.add("clients removed (disconnected): " + String.join(", ", removed));
        }
        if (!changed.isEmpty()) {
            phrases.add("clients changed (disconnected to rejoin): " + String.join(", ", changed));
        }
    }
}
