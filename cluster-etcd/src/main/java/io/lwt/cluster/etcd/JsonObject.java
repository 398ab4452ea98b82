package io.lwt.cluster.etcd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A JSON object from etcd's gateway, read the way the gateway writes protobuf messages: an absent field has its type's
 * zero value (it leaves out false, 0, "" and empty lists), int64 fields are strings of digits, and bytes are base64.
 * A field of another type than asked is an {@link IOException} naming it. Immutable.
 */
record JsonObject(Map<String, Object> fields) {

    private static final JsonObject EMPTY = new JsonObject(Map.of());

    /** The object a parsed document must be. */
    static JsonObject of(Object parsed) throws IOException {
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IOException("expected a JSON object, got " + JsonWriter.write(parsed));
        }
        @SuppressWarnings("unchecked") // JsonReader makes every object a Map<String, Object>
        Map<String, Object> fields = (Map<String, Object>) map;
        return new JsonObject(fields);
    }

    boolean has(String name) {
        return fields.get(name) != null;
    }

    JsonObject object(String name) throws IOException {
        Object value = fields.get(name);
        return value == null ? EMPTY : of(checked(name, value, Map.class, "an object"));
    }

    List<JsonObject> objects(String name) throws IOException {
        Object value = fields.get(name);
        if (value == null) {
            return List.of();
        }
        List<JsonObject> objects = new ArrayList<>();
        for (Object item : checked(name, value, List.class, "an array")) {
            objects.add(of(item));
        }
        return objects;
    }

    String string(String name) throws IOException {
        Object value = fields.get(name);
        return value == null ? "" : checked(name, value, String.class, "a string");
    }

    boolean bool(String name) throws IOException {
        Object value = fields.get(name);
        return value != null && checked(name, value, Boolean.class, "true or false");
    }

    /** An integer, written as a number or (int64) as a string of digits. */
    long number(String name) throws IOException {
        String text = switch (fields.get(name)) {
            case null -> "0";
            case JsonNumber n -> n.text();
            case String s -> s;
            default -> throw mistyped(name, "an integer");
        };
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw mistyped(name, "an integer");
        }
    }

    byte[] bytes(String name) throws IOException {
        try {
            return Base64.getDecoder().decode(string(name));
        } catch (IllegalArgumentException e) {
            throw mistyped(name, "base64");
        }
    }

    private <T> T checked(String name, Object value, Class<T> type, String expected) throws IOException {
        if (!type.isInstance(value)) {
            throw mistyped(name, expected);
        }
        return type.cast(value);
    }

    private IOException mistyped(String name, String expected) {
        return new IOException("field \"" + name + "\" is not " + expected + ": " + JsonWriter.write(fields.get(name)));
    }
}
