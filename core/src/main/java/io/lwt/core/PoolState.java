package io.lwt.core;

import io.lwt.api.IpPrefix;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Pool addresses by client name, kept in a small properties file so a client gets the same addresses after a hub
 * restart: {@code NAME=IPV4}, {@code NAME=IPV6} or {@code NAME=IPV4,IPV6} (files from before IPv6 are read as they
 * are). An address outside the pool's current ranges is forgotten. Written to a temporary file and moved into place,
 * so a crash never leaves half a file.
 */
final class PoolState implements AddressAssigner {

    private final HubAccess.AddressPool pool;
    private final Path file;
    private final Map<String, InetAddress> ipv4ByName = new HashMap<>();
    private final Map<String, InetAddress> ipv6ByName = new HashMap<>();

    /**
     * The pool of a secure hub with its remembered addresses, or null when it has no pool.
     *
     * @throws IOException naming the state file, when it cannot be read
     */
    static PoolState open(HubAccess.Secure access) throws IOException {
        if (access.pool() == null) {
            return null;
        }
        try {
            return new PoolState(access.pool(), access.stateFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read the pool state " + access.stateFile() + ": " + Nodes.describe(e), e);
        }
    }

    PoolState(HubAccess.AddressPool pool, Path file) throws IOException {
        this.pool = pool;
        this.file = file;
        if (Files.exists(file)) {
            Properties saved = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                saved.load(in);
            }
            for (String name : saved.stringPropertyNames()) {
                for (String text : saved.getProperty(name).split(",")) {
                    InetAddress address = IpPrefix.literal(text.trim());
                    if (pool.contains(address)) {
                        byName(address instanceof Inet4Address).put(name, address);
                    }
                }
            }
        }
    }

    private Map<String, InetAddress> byName(boolean ipv4) {
        return ipv4 ? ipv4ByName : ipv6ByName;
    }

    @Override
    public boolean hasRange(boolean ipv4) {
        return pool.rangeFor(ipv4) != null;
    }

    /** The address it had, else the lowest free one, written to the file before it is given. */
    @Override
    public synchronized InetAddress assign(String name, boolean ipv4) throws IOException {
        Map<String, InetAddress> byName = byName(ipv4);
        InetAddress known = byName.get(name);
        HubAccess.AddressRange range = pool.rangeFor(ipv4);
        if (known != null || range == null) {
            return known;
        }
        InetAddress free = range.lowestFree(new HashSet<>(byName.values())::contains);
        if (free != null) {
            byName.put(name, free);
            save();
        }
        return free;
    }

    private void save() throws IOException {
        Properties out = new Properties();
        TreeSet<String> names = new TreeSet<>(ipv4ByName.keySet());
        names.addAll(ipv6ByName.keySet());
        for (String name : names) {
            List<String> addresses = new ArrayList<>(2);
            for (InetAddress address : new InetAddress[] {ipv4ByName.get(name), ipv6ByName.get(name)}) {
                if (address != null) {
                    addresses.add(IpPrefix.text(address));
                }
            }
            out.setProperty(name, String.join(",", addresses));
        }
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary)) {
            out.store(writer, "lwt pool addresses by client name");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
