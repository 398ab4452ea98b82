package io.lwt.core;

import io.lwt.api.IpPackets;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Pool addresses by client name, kept in a small properties file so a client gets the same address after a hub
 * restart. Written to a temporary file and moved into place, so a crash never leaves half a file.
 */
final class PoolState {

    private final HubAccess.AddressPool pool;
    private final Path file;
    private final Map<String, Integer> byName = new HashMap<>();

    PoolState(HubAccess.AddressPool pool, Path file) throws IOException {
        this.pool = pool;
        this.file = file;
        if (Files.exists(file)) {
            Properties saved = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                saved.load(in);
            }
            for (String name : saved.stringPropertyNames()) {
                int address = io.lwt.api.IpPrefix.parse(saved.getProperty(name)).ipv4();
                if (inPool(address)) {
                    byName.put(name, address);
                }
            }
        }
    }

    private boolean inPool(int address) {
        return Integer.compareUnsigned(address, pool.first().ipv4()) >= 0
                && Integer.compareUnsigned(address, pool.last().ipv4()) <= 0;
    }

    /** The client's address: the one it had, else the lowest free one; null when the pool is exhausted. */
    synchronized Integer assign(String name) throws IOException {
        Integer known = byName.get(name);
        if (known != null) {
            return known;
        }
        for (int i = 0; i < pool.size(); i++) {
            int candidate = pool.first().ipv4() + i;
            if (!byName.containsValue(candidate)) {
                byName.put(name, candidate);
                save();
                return candidate;
            }
        }
        return null;
    }

    private void save() throws IOException {
        Properties out = new Properties();
        new TreeMap<>(byName).forEach((name, address) -> out.setProperty(name, IpPackets.ipv4Text(address)));
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary)) {
            out.store(writer, "lwt pool addresses by client name");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
