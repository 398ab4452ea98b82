package io.lwt.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the value types that the launcher's settings and the plugins' share are written: sizes, durations and socket
 * addresses. Each parser takes the text of one value and throws {@link IllegalArgumentException} with the cause;
 * {@link Config}'s getters, the way to read them, add the key and where the value was written. Only the writing of a
 * duration is public, for messages that quote one.
 */
public final class ValueSyntax {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    private ValueSyntax() {}

    /** A size in bytes, written as a number: {@code 4194304}. */
    static long size(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a size in bytes, got '" + text + "'");
        }
    }

    /** A duration as users write it, the inverse of {@link #duration}: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. */
    public static String text(Duration d) {
        long millis = d.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        return seconds % 3600 == 0 && seconds > 0 ? seconds / 3600 + "h"
                : seconds % 60 == 0 && seconds > 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /** A duration such as {@code 500ms}, {@code 10s}, {@code 2m} or {@code 1h}; a bare number is seconds. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 10s or 2m, got '" + text + "'");
        }
        try {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is longer than any duration this takes");
        }
    }

    /**
     * {@code host:port}, {@code [v6]:port}, or {@code :port} (or {@code *:port}) for every local address. A host must
     * be an address literal unless {@code nameAllowed}: then a name is kept unresolved, to be looked up when it is
     * used (so a client follows its hub's DNS name without a restart), and the port must not be 0.
     */
    public static InetSocketAddress socketAddress(String text, boolean nameAllowed) {
        int colon = text.lastIndexOf(':');
        if (colon < 0 || text.startsWith("[") != text.contains("]")) {
            throw new IllegalArgumentException("expected host:port, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port in '" + text + "'");
        }
        if (port < (nameAllowed ? 1 : 0) || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
        if (host.isEmpty() || host.equals("*")) {
            return new InetSocketAddress(port);
        }
        try {
            return new InetSocketAddress(IpPrefix.literal(host), port);
        } catch (IllegalArgumentException notLiteral) {
            if (!nameAllowed || host.startsWith("[")) {
                throw notLiteral;
            }
            return InetSocketAddress.createUnresolved(host, port);
        }
    }
}
