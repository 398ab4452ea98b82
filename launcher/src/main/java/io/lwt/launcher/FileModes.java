package io.lwt.launcher;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The modes of the files lwt trusts, judged by their bits rather than by access (lwt runs as root, whom no mode stops):
 * a secret that group or others may read is warned about, and code that they may write is refused, as sshd's
 * StrictModes does.
 * A file system without POSIX modes, or a file that is absent or unreadable, is left to the code that opens it.
 */
final class FileModes {

    private static final Set<PosixFilePermission> READ_BY_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);
    private static final Set<PosixFilePermission> WRITE_BY_OTHERS = EnumSet.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    private FileModes() {}

    /**
     * A warning when {@code file}, which holds a secret, is readable by group or others, located at the setting that
     * names it ({@code key} of {@code section}).
     */
    static Optional<String> exposedSecret(Path file, Config section, String key) {
        return mode(file).filter(mode -> mode.stream().anyMatch(READ_BY_OTHERS::contains))
                .map(mode -> section.locationOf(key) + ": " + section.qualified(key) + ": " + file + " is mode "
                        + octal(mode) + ", readable by group or others: chmod 600 " + file);
    }

    /** Whether {@code file} exists with POSIX modes that let neither group nor others read it. */
    static boolean ownerOnly(Path file) {
        return mode(file).filter(mode -> mode.stream().noneMatch(READ_BY_OTHERS::contains)).isPresent();
    }

    /**
     * Writes {@code text} to a new file, never over one that exists. The file is created readable by its owner only
     * (0600), so a secret in it is never readable by others, not even between creating the file and a chmod.
     */
    static void writeNewPrivate(Path file, String text) throws IOException {
        try (var out = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            out.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Refuses to load code from {@code path} (a plugin directory or jar) when group or others may write it. */
    static void requireTrusted(Path path) {
        mode(path).filter(mode -> mode.stream().anyMatch(WRITE_BY_OTHERS::contains)).ifPresent(mode -> {
            throw new ConfigException(Config.Location.of(path.toString()), "plugin " + (Files.isDirectory(path)
                    ? "directory" : "jar") + " is mode " + octal(mode) + ", writable by group or others, who could "
                    + "put their code into lwt: chmod go-w " + path);
        });
    }

    /** {@code 0644}. */
    static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission permission : mode) {
            bits |= 1 << (8 - permission.ordinal()); // the enum runs from OWNER_READ (0400) to OTHERS_EXECUTE (0001)
        }
        return "%04o".formatted(bits);
    }

    private static Optional<Set<PosixFilePermission>> mode(Path path) {
        try {
            return Optional.of(Files.getPosixFilePermissions(path));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
