package io.lwt.api.transport;

import io.lwt.api.Config;
import java.util.Set;

/**
 * The socket buffer sizes a transport over TCP takes in its section: {@code send-buffer} and {@code receive-buffer},
 * in bytes, each 0 (the default: the system's, which autotunes) or {@value #MIN}..{@value #MAX}.
 *
 * @param send SO_SNDBUF, or 0 for the system's
 * @param receive SO_RCVBUF, or 0 for the system's
 */
public record SocketBuffers(int send, int receive) {

    public static final Set<String> KEYS = Set.of("send-buffer", "receive-buffer");
    public static final int MIN = 4096;
    public static final int MAX = 64 << 20;

    public SocketBuffers {
        check("send-buffer", send);
        check("receive-buffer", receive);
    }

    /** The two keys of a transport's section. */
    public static SocketBuffers of(Config section) {
        return new SocketBuffers(section.size("send-buffer", 0, MIN, MAX), section.size("receive-buffer", 0, MIN, MAX));
    }

    private static void check(String key, int size) {
        if (size != 0 && (size < MIN || size > MAX)) {
            throw new IllegalArgumentException(key + " " + size + " is out of range " + MIN + ".." + MAX);
        }
    }
}
