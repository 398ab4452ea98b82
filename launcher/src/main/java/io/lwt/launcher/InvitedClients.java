package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.IpPrefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The clients {@code lwt invite} added to a hub: one file each, {@code clients.d/HUB/NAME.yaml} beside the topology,
 * holding what a {@code clients:} entry holds. {@link Topology} merges them into the hub's clients on every load,
 * so a reload applies them; the user's own YAML is never rewritten by a program (its comments stay). Each file holds
 * its client's key inline and is written mode 0600, in a directory of mode 0700.
 */
final class InvitedClients {

    static final String DIRECTORY = "clients.d";
    private static final String SUFFIX = ".yaml";

    private InvitedClients() {}

    /** The hub's directory: {@code clients.d/HUB} beside the topology, per hub as {@code noise/HUB.key} is. */
    static Path directory(Path baseDir, String hub) {
        return baseDir.resolve(DIRECTORY).resolve(hub);
    }

    static Path file(Path baseDir, String hub, String client) {
        return directory(baseDir, hub).resolve(client + SUFFIX);
    }

    /**
     * The entries in {@code directory} by client name (the file name without {@code .yaml}), in name order; none when
     * it does not exist. Other files (an editor's backup) are ignored; an entry with a name lwt would not write is
     * refused, located at its file.
     */
    static Map<String, Config> read(Path directory) {
        List<Path> files;
        try (Stream<Path> listed = Files.list(directory)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new ConfigException(Config.Location.of(directory.toString()), "cannot list invited clients: " + e.getMessage());
        }
        Map<String, Config> entries = new LinkedHashMap<>();
        for (Path file : files) {
            String fileName = file.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - SUFFIX.length());
            if (!InviteToken.NAME.matcher(name).matches()) {
                throw new ConfigException(Config.Location.of(file.toString()), "not a client's name: " + name
                        + " (1-63 letters, digits and . _ -)");
            }
            entries.put(name, YamlConfig.read(file));
        }
        return entries;
    }

    /**
     * Writes a new client's entry, never over an existing one: its key inline, its fixed addresses and routes (each
     * checked to be an address or prefix, so no text of the command line becomes YAML of its own). New directories
     * and the file are given to {@code owner} (null: who runs this) when that is not who runs this: {@code lwt invite}
     * runs as root, the hub of the systemd unit as user {@code lwt}, which must read the file.
     */
    static void write(Path file, String client, String key, List<String> addresses, List<String> routes,
            UserPrincipal owner) throws IOException {
        StringBuilder yaml = new StringBuilder("# Added by lwt invite " + client + "; lwt invite --revoke " + client
                + " removes it.\n# It holds the client's key: keep it readable by its owner only (mode 0600).\n");
        yaml.append("key: ").append(key).append('\n');
        if (!addresses.isEmpty()) {
            yaml.append("address: ").append(list(addresses)).append('\n');
        }
        if (!routes.isEmpty()) {
            yaml.append("routes: ").append(list(routes)).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        createPrivate(dir.getParent(), owner);
        createPrivate(dir, owner);
        FileModes.writeNewPrivate(file, yaml.toString());
        giveTo(file, owner);
    }

    /**
     * Who must read a hub's invited clients: the owner of the static key it already reads ({@code noise/HUB.key} of
     * {@code static-key: auto}), else of its topology file.
     */
    static UserPrincipal reader(Path baseDir, String hub, Path topology) throws IOException {
        Path key = Keys.autoStaticKey(baseDir, hub);
        return Files.getOwner(Files.exists(key) ? key : topology);
    }

    /** A directory lwt makes is mode 0700 and its reader's; one that exists is left as it is. */
    private static void createPrivate(Path dir, UserPrincipal owner) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            giveTo(dir, owner);
        }
    }

    private static void giveTo(Path path, UserPrincipal owner) throws IOException {
        if (owner != null && !Files.getOwner(path).equals(owner)) {
            Files.setOwner(path, owner);
        }
    }

    private static String list(List<String> prefixes) {
        return prefixes.stream().map(p -> IpPrefix.parse(p) != null ? p.strip() : p) // throws with the reason
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }
}
