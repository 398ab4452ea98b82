package io.lwt.cluster.etcd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The store's prefix in etcd's key space: turns the keys its users give, which are relative to the prefix, into
 * etcd's (base64 in JSON), a key prefix into the end of its range, and etcd's keys back into relative ones. Immutable.
 */
final class KeySpace {

    private final byte[] prefix;

    KeySpace(String prefix) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
    }

    /** The base64 of the etcd key for {@code relative}. */
    String key(String relative) {
        return Base64.getEncoder().encodeToString(absolute(relative));
    }

    /**
     * The base64 of the first etcd key after every key that starts with {@code relativePrefix}: the prefix with its
     * last byte raised by one, which UTF-8 always allows (it has no byte 0xff); for the empty prefix, a zero byte,
     * which etcd reads as "to the end".
     */
    String rangeEnd(String relativePrefix) {
        byte[] end = absolute(relativePrefix);
        if (end.length == 0) {
            return Base64.getEncoder().encodeToString(new byte[] {0});
        }
        end[end.length - 1]++;
        return Base64.getEncoder().encodeToString(end);
    }

    /** The relative key of an etcd key, which must be under the prefix. */
    String relative(byte[] key) throws IOException {
        if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
            throw new IOException("etcd gave a key outside the prefix: " + new String(key, StandardCharsets.UTF_8));
        }
        return new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8);
    }

    private byte[] absolute(String relative) {
        byte[] key = relative.getBytes(StandardCharsets.UTF_8);
        byte[] full = Arrays.copyOf(prefix, prefix.length + key.length);
        System.arraycopy(key, 0, full, prefix.length, key.length);
        return full;
    }

    @Override
    public String toString() {
        return new String(prefix, StandardCharsets.UTF_8);
    }
}
