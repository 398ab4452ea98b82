package io.lwt.cluster.etcd;

import java.util.List;
import java.util.Map;

/**
 * Writes the JSON of etcd's requests, compactly: maps with text keys as objects (in their iteration order), lists as
 * arrays, {@code String}, {@code Long}, {@code Integer}, {@link JsonNumber}, {@code Boolean} and null. Strings escape
 * the quote, the backslash and every control character; other characters are written as they are. Used by whichever
 * thread makes a request; stateless.
 */
final class JsonWriter {

    private JsonWriter() {}

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> appendString(out, s);
            case Long _, Integer _, Boolean _, JsonNumber _ -> out.append(value);
            case Map<?, ?> map -> {
                out.append('{');
                String separator = "";
                for (Map.Entry<?, ?> member : map.entrySet()) {
                    if (!(member.getKey() instanceof String key)) {
                        throw new IllegalArgumentException("a JSON object key must be a String: " + member.getKey());
                    }
                    out.append(separator);
                    appendString(out, key);
                    out.append(':');
                    append(out, member.getValue());
                    separator = ",";
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    append(out, list.get(i));
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("no JSON for a " + value.getClass().getName());
        }
    }

    private static void appendString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
