package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.core.StaticKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Pre-shared keys: 32 random bytes, written as base64. YAML refers to one by file ({@code file:alice.key}, relative
 * to the YAML file), by environment variable ({@code env:LWT_ALICE_KEY}), or inline (which {@code lwt check} warns
 * about unless the file is readable by its owner only: anyone who can read the file can then join as that client).
 */
public final class Keys {

    static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {}

    /** A new random key, base64. */
    public static String generate() {
        byte[] key = new byte[LENGTH];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * The key, or null when the node has none: then only a certificate can authenticate it, which {@link NodePlugins}
     * checks against the transport and the hub checks on every connection.
     */
    static byte[] readOptional(Config node, String key, Path baseDir, List<String> warnings) {
        return node.has(key) ? read(node, key, baseDir, warnings) : null;
    }

    static byte[] read(Config node, String key, Path baseDir, List<String> warnings) {
        String text = resolve(node, key, baseDir, warnings);
        try {
            byte[] bytes = Base64.getDecoder().decode(text.strip());
            if (bytes.length < 16) {
                throw node.error(key, "key is " + bytes.length + " bytes; at least 16 are needed (lwt keygen makes one)");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(node.locationOf(key), node.qualified(key) + ": not a base64 key (lwt keygen makes one)");
        }
    }

    /** Where {@code static-key: auto} keeps a hub's key: {@code noise/NODE.key} beside the topology file. */
    static Path autoStaticKey(Path baseDir, String hub) {
        return baseDir.resolve("noise").resolve(hub + ".key");
    }

    /**
     * Keeps a hub's new static key in {@code file}, readable by its owner only (the directory too), and never over one
     * that exists.
     */
    static void saveStatic(Path file, byte[] privateKey) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        writeNew(file, StaticKeys.text(privateKey));
    }

    /**
     * Writes a key (one line) to a new file, never over one that exists. The file is created readable by its owner
     * only, so the key is never readable by others, not even between creating the file and a chmod.
     */
    public static void writeNew(Path file, String key) throws IOException {
        FileModes.writeNewPrivate(file, key + "\n");
    }

    /** A Curve25519 key (a hub's private key, or the public one a client pins) by the same references as a key. */
    static byte[] readStatic(Config node, String key, Path baseDir, List<String> warnings, String kind) {
        String text = resolve(node, key, baseDir, warnings);
        try {
            return StaticKeys.parse(text);
        } catch (IllegalArgumentException e) {
            throw node.error(key, "not " + kind + ": " + e.getMessage());
        }
    }

    /** The text a key's reference names: a file's content, a variable's value, or the text itself. */
    private static String resolve(Config node, String key, Path baseDir, List<String> warnings) {
        String reference = node.requireString(key);
        String text;
        if (reference.startsWith("file:")) {
            Path file = baseDir.resolve(reference.substring(5).trim());
            try {
                text = Files.readString(file).strip();
            } catch (IOException e) {
                throw node.error(key, "cannot read key file " + file + ": " + e.getMessage());
            }
            FileModes.exposedSecret(file, node, key).ifPresent(warnings::add);
        } else if (reference.startsWith("env:")) {
            String variable = reference.substring(4).trim();
            text = System.getenv(variable);
            if (text == null) {
                throw node.error(key, "environment variable " + variable + " is not set");
            }
        } else {
            text = reference;
            if (FileModes.ownerOnly(Path.of(node.location().source()))) {
                return text; // as safe as a key file of mode 0600, such as lwt join and lwt invite write
            }
            warnings.add(node.locationOf(key) + ": " + node.qualified(key)
                    + ": inline key: anyone who can read this file can use it; prefer file: or env:");
        }
        return text;
    }
}
