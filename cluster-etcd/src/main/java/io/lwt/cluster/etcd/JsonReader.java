package io.lwt.cluster.etcd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser (RFC 8259) for etcd's answers: objects become {@code Map<String, Object>} in their order,
 * arrays {@code List<Object>}, strings {@code String}, numbers {@link JsonNumber} (their text, checked), {@code true}
 * and {@code false} {@code Boolean}, and {@code null} Java's null. Anything else, a duplicate key, text after the
 * value, a document over the byte limit or nested deeper than {@link #MAX_DEPTH} is an {@link IOException} that
 * names where. Used by whichever thread reads an answer; one instance parses one document.
 */
final class JsonReader {

    /** Deeper than any etcd answer (about 6 levels), shallow enough that recursion cannot exhaust a stack. */
    static final int MAX_DEPTH = 32;

    private final String text;
    private int at;
    private int depth;

    private JsonReader(String text) {
        this.text = text;
    }

    /** Parses one document of at most {@code maxBytes} bytes of UTF-8. */
    static Object parse(byte[] utf8, int maxBytes) throws IOException {
        if (utf8.length > maxBytes) {
            throw new IOException("JSON document of " + utf8.length + " bytes is over the limit of " + maxBytes);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException("JSON document is not valid UTF-8");
        }
        return parse(text);
    }

    static Object parse(String text) throws IOException {
        JsonReader reader = new JsonReader(text);
        reader.skipSpace();
        Object value = reader.value();
        reader.skipSpace();
        if (reader.at < text.length()) {
            throw reader.error("text after the JSON value");
        }
        return value;
    }

    private Object value() throws IOException {
        if (at >= text.length()) {
            throw error("unexpected end, expected a value");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected '" + printable(c) + "', expected a value");
            }
        };
    }

    private Map<String, Object> object() throws IOException {
        enter();
        at++; // '{'
        Map<String, Object> members = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            at++;
            depth--;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a string as object key");
            }
            int keyAt = at;
            String key = string();
            skipSpace();
            expect(':', "after an object key");
            skipSpace();
            if (members.containsKey(key)) {
                at = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            members.put(key, value());
            skipSpace();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect('}', "or ',' in an object");
            depth--;
            return Collections.unmodifiableMap(members);
        }
    }

    private List<Object> array() throws IOException {
        enter();
        at++; // '['
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            at++;
            depth--;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            skipSpace();
            items.add(value());
            skipSpace();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect(']', "or ',' in an array");
            depth--;
            return Collections.unmodifiableList(items);
        }
    }

    private void enter() throws IOException {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() throws IOException {
        at++; // opening quote
        StringBuilder out = null;
        int runStart = at;
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at);
            if (c == '"') {
                String run = text.substring(runStart, at++);
                return out == null ? run : out.append(run).toString();
            }
            if (c < 0x20) {
                throw error("control character " + printable(c) + " in a string");
            }
            if (c != '\\') {
                at++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder();
            }
            out.append(text, runStart, at);
            at++;
            out.append(escaped());
            runStart = at;
        }
    }

    /** The character of the escape after a backslash. */
    private char escaped() throws IOException {
        if (at >= text.length()) {
            throw error("unterminated string");
        }
        char c = text.charAt(at++);
        return switch (c) {
            case '"', '\\', '/' -> c;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> {
                if (at + 4 > text.length()) {
                    throw error("unterminated \\u escape");
                }
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = Character.digit(text.charAt(at + i), 16);
                    if (digit < 0) {
                        throw error("invalid \\u escape");
                    }
                    code = code * 16 + digit;
                }
                at += 4;
                yield (char) code;
            }
            default -> {
                at--;
                throw error("invalid escape \\" + printable(c));
            }
        };
    }

    private JsonNumber number() throws IOException {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        if (peek() == '0') {
            at++;
            if (peek() >= '0' && peek() <= '9') {
                throw error("invalid number: a leading zero");
            }
        } else if (!digits()) {
            throw error("invalid number");
        }
        if (peek() == '.') {
            at++;
            if (!digits()) {
                throw error("invalid number: no digit after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            if (!digits()) {
                throw error("invalid number: no digit in the exponent");
            }
        }
        return new JsonNumber(text.substring(start, at));
    }

    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at > start;
    }

    private Object literal(String word, Object value) throws IOException {
        if (!text.startsWith(word, at)) {
            throw error("unexpected '" + printable(text.charAt(at)) + "', expected a value");
        }
        at += word.length();
        return value;
    }

    private void expect(char c, String where) throws IOException {
        if (peek() != c) {
            throw error(at >= text.length() ? "unexpected end, expected '" + c + "' " + where
                    : "unexpected '" + printable(text.charAt(at)) + "', expected '" + c + "' " + where);
        }
        at++;
    }

    /** The next character, or 0 at the end (never valid where it is looked for). */
    private char peek() {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private IOException error(String reason) {
        return new IOException("malformed JSON at character " + at + ": " + reason);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
