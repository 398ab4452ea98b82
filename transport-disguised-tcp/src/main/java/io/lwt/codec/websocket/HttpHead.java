package io.lwt.codec.websocket;

import io.lwt.api.ProtocolException;
import io.lwt.api.transport.Connection;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The head of an HTTP/1.1 request or response: its start line and header fields, read straight into the session's
 * receive buffer up to a fixed size, so a peer that never ends its head cannot make us allocate or wait without
 * bound (the engine's handshake timeout ends a silent one).
 */
record HttpHead(String startLine, List<Field> fields) {

    /** The most bytes a request or response head may take, its empty line included (nginx's default buffer). */
    static final int MAX_BYTES = 8192;

    record Field(String name, String value) {}

    /**
     * Reads a head into {@code inbound} (empty, write mode), then leaves only the bytes after it there, from 0 to the
     * position, for the framer.
     *
     * @param what "request" or "response", for messages
     * @throws ProtocolException when the bytes cannot be an HTTP head or it is longer than {@link #MAX_BYTES}
     * @throws EOFException when the peer closes before the head ends
     */
    static HttpHead read(Connection connection, ByteBuffer inbound, String what) throws IOException {
        int capacityLimit = inbound.limit();
        int bound = Math.min(capacityLimit, MAX_BYTES);
        int scanned = 0;
        int end = -1;
        try {
            inbound.limit(bound);
            while (end < 0) {
                if (!inbound.hasRemaining()) {
                    throw new ProtocolException("HTTP " + what + " head longer than " + MAX_BYTES + " bytes");
                }
                if (connection.read(inbound) < 0) {
                    throw new EOFException("connection closed before the end of the HTTP " + what
                            + (inbound.position() == 0 ? "" : " (" + inbound.position() + " bytes)"));
                }
                for (; scanned < inbound.position() && end < 0; scanned++) {
                    int b = inbound.get(scanned) & 0xff;
                    if (b < 0x20 && b != '\r' && b != '\n' && b != '\t' || b == 0x7f) {
                        throw new ProtocolException(String.format("not an HTTP %s: byte 0x%02x at offset %d", what, b,
                                scanned));
                    }
                    if (b == '\n' && scanned >= 3 && inbound.get(scanned - 1) == '\r' && inbound.get(scanned - 2) == '\n'
                            && inbound.get(scanned - 3) == '\r') {
                        end = scanned + 1;
                    }
                }
            }
        } finally {
            inbound.limit(capacityLimit);
        }
        byte[] head = new byte[end - 4];
        inbound.get(0, head);
        inbound.flip().position(end);
        inbound.compact();
        return parse(new String(head, StandardCharsets.ISO_8859_1), what);
    }

    private static HttpHead parse(String text, String what) throws ProtocolException {
        String[] lines = text.split("\r\n", -1);
        if (lines[0].isEmpty()) {
            throw new ProtocolException("HTTP " + what + " without a start line");
        }
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw new ProtocolException("HTTP " + what + " line not ended by CRLF: '" + printable(line) + "'");
            }
        }
        List<Field> fields = new ArrayList<>(lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new ProtocolException("malformed HTTP " + what + " header line '" + printable(line) + "'");
            }
            fields.add(new Field(line.substring(0, colon), line.substring(colon + 1).strip()));
        }
        return new HttpHead(lines[0], List.copyOf(fields));
    }

    /** The value of a field that must appear at most once; several are as bad as a wrong one. */
    Optional<String> single(String name) throws ProtocolException {
        String found = null;
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                if (found != null) {
                    throw new ProtocolException("more than one " + name + " header");
                }
                found = field.value();
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether any field {@code name} lists {@code token} among its comma-separated values, ignoring case. */
    boolean hasToken(String name, String token) {
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                for (String value : field.value().split(",")) {
                    if (value.strip().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    boolean has(String name) {
        return fields.stream().anyMatch(f -> f.name().equalsIgnoreCase(name));
    }

    /** RFC 9110 token characters, as in header names and methods. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Text from the network made safe for one log line: printable ASCII, at most 64 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 64 ? b.append("...").toString() : b.toString();
    }
}
