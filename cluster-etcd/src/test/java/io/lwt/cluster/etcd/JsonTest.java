package io.lwt.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON reader and writer on exact texts, etcd's answers among them; malformed input; the size and depth limits. */
class JsonTest {

    /** A watch message as etcd 3.4.23's gateway wrote it. */
    private static final String WATCH_EVENTS = """
            {"result":{"header":{"cluster_id":"10209395086029371855","member_id":"13510015062231200447",\
            "revision":"4","raft_term":"2"},"events":[{"kv":{"key":"L2x3dC9h","create_revision":"2",\
            "mod_revision":"2","version":"1","value":"MQ=="}},{"type":"DELETE","kv":{"key":"L2x3dC9i",\
            "mod_revision":"4"}}]}}""";

    @Test
    void readsEtcdsAnswerWithInt64sAsStringsAndZeroValuesLeftOut() throws IOException {
        JsonObject result = JsonObject.of(JsonReader.parse(bytes(WATCH_EVENTS), 1 << 20)).object("result");
        assertEquals(4, result.object("header").number("revision"));
        List<JsonObject> events = result.objects("events");
        assertEquals(2, events.size());
        assertEquals("", events.get(0).string("type"), "PUT, the zero value, is left out");
        assertArrayEquals(bytes("/lwt/a"), events.get(0).object("kv").bytes("key"));
        assertArrayEquals(bytes("1"), events.get(0).object("kv").bytes("value"));
        assertEquals("DELETE", events.get(1).string("type"));
        assertArrayEquals(new byte[0], events.get(1).object("kv").bytes("value"));
        assertFalse(result.bool("created"));
        assertEquals(0, result.number("compact_revision"));
    }

    @Test
    void writesCompactlyInTheMapsOrder() {
        Map<String, Object> put = new LinkedHashMap<>();
        put.put("key", "L2x3dC9h");
        put.put("lease", "7587885146553413891");
        put.put("TTL", 5L);
        put.put("limit", 1);
        put.put("keys_only", true);
        put.put("list", Arrays.asList(null, false, new JsonNumber("-1.5e3"), List.of(), Map.of()));
        assertEquals("{\"key\":\"L2x3dC9h\",\"lease\":\"7587885146553413891\",\"TTL\":5,\"limit\":1,\"keys_only\":true,"
                + "\"list\":[null,false,-1.5e3,[],{}]}", JsonWriter.write(put));
    }

    @Test
    void roundTripsEveryKindOfValueExactly() throws IOException {
        String text = "{\"a\":[1,-0,0.25,-12.5E+3,1e-7],\"b\":{\"c\":null,\"d\":true,\"e\":false},\"f\":\"\","
                + "\"g\":[[],[{}]],\"h\":\"x\\\"y\\\\z\\n\\u0001\"}";
        assertEquals(text, JsonWriter.write(JsonReader.parse(text)));
    }

    @Test
    void decodesEveryEscape() throws IOException {
        assertEquals("\" \\ / \b \f \n \r \t é € 😀",
                JsonReader.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\u20AC \\ud83d\\ude00\""));
        assertEquals("é€😀 unescaped", JsonReader.parse(bytes("\"é€😀 unescaped\""), 100));
    }

    @Test
    void escapesWhatMustBeEscapedAndNothingElse() {
        assertEquals("\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0000\\u001f é\"",
                JsonWriter.write("q\" b\\ s/ \b\f\n\r\t \u0000\u001f é"));
    }

    @Test
    void keepsNumbersAsTheirTextAndObjectsInOrder() throws IOException {
        Object parsed = JsonReader.parse(" { \"z\" : 12345678901234567890 , \"a\" : 1.0 } ");
        assertEquals(List.of("z", "a"), List.copyOf(((Map<?, ?>) parsed).keySet()));
        assertEquals(new JsonNumber("12345678901234567890"), ((Map<?, ?>) parsed).get("z"));
        assertNull(JsonReader.parse("null"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                      | unexpected end, expected a value",
        "`   `                   | unexpected end, expected a value",
        "`{`                     | expected a string as object key",
        "`{\"a\"}`               | unexpected '}', expected ':' after an object key",
        "`{\"a\":1,}`            | expected a string as object key",
        "`{\"a\":1 \"b\":2}`     | unexpected '\"', expected '}' or ',' in an object",
        "`{\"a\":1,\"a\":2}`     | duplicate key \"a\"",
        "`{a:1}`                 | expected a string as object key",
        "`[1,]`                  | unexpected ']', expected a value",
        "`[1 2]`                 | unexpected '2', expected ']' or ',' in an array",
        "`[`                     | unexpected end, expected a value",
        "`\"abc`                 | unterminated string",
        "`\"a\tb\"`              | control character \\u0009 in a string",
        "`\"\\x\"`               | invalid escape \\x",
        "`\"\\u12zz\"`           | invalid \\u escape",
        "`\"\\u12`               | unterminated \\u escape",
        "`01`                    | invalid number: a leading zero",
        "`-`                     | invalid number",
        "`1.`                    | invalid number: no digit after '.'",
        "`1e`                    | invalid number: no digit in the exponent",
        "`+1`                    | unexpected '+', expected a value",
        "`NaN`                   | unexpected 'N', expected a value",
        "`tru`                   | unexpected 't', expected a value",
        "`'a'`                   | unexpected ''', expected a value",
        "`{} {}`                 | text after the JSON value",
        "`1 2`                   | text after the JSON value",
    })
    void rejectsMalformedInputNamingWhereAndWhy(String text, String reason) {
        IOException e = assertThrows(IOException.class, () -> JsonReader.parse(text));
        assertTrue(e.getMessage().startsWith("malformed JSON at character "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": " + reason), e.getMessage());
    }

    @Test
    void namesTheCharacterWhereItWentWrong() {
        IOException e = assertThrows(IOException.class, () -> JsonReader.parse("{\"a\":[1,2,x]}"));
        assertEquals("malformed JSON at character 10: unexpected 'x', expected a value", e.getMessage());
    }

    @Test
    void rejectsInvalidUtf8() {
        IOException e = assertThrows(IOException.class,
                () -> JsonReader.parse(new byte[] {'"', (byte) 0xc3, '"'}, 100));
        assertEquals("JSON document is not valid UTF-8", e.getMessage());
    }

    @Test
    void rejectsADocumentOverTheLimitBeforeReadingIt() {
        IOException e = assertThrows(IOException.class, () -> JsonReader.parse(bytes("[1,2,3]"), 6));
        assertEquals("JSON document of 7 bytes is over the limit of 6", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[", "{\"a\":"})
    void acceptsNestingToTheDepthLimitAndNoDeeper(String open) throws IOException {
        String close = open.equals("[") ? "]" : "}";
        String deepest = open.repeat(JsonReader.MAX_DEPTH) + "1" + close.repeat(JsonReader.MAX_DEPTH);
        assertEquals(deepest, JsonWriter.write(JsonReader.parse(deepest)));
        IOException e = assertThrows(IOException.class, () -> JsonReader.parse(open + deepest + close));
        assertTrue(e.getMessage().endsWith("nested deeper than " + JsonReader.MAX_DEPTH + " levels"), e.getMessage());
        // a hostile depth ends at the limit, not in a StackOverflowError
        assertThrows(IOException.class, () -> JsonReader.parse(open.repeat(1_000_000)));
    }

    @Test
    void typedFieldsNameAFieldOfTheWrongType() throws IOException {
        JsonObject json = JsonObject.of(JsonReader.parse("{\"TTL\":\"5x\",\"kvs\":{},\"key\":\"***\",\"n\":7}"));
        assertEquals("field \"TTL\" is not an integer: \"5x\"",
                assertThrows(IOException.class, () -> json.number("TTL")).getMessage());
        assertEquals("field \"kvs\" is not an array: {}",
                assertThrows(IOException.class, () -> json.objects("kvs")).getMessage());
        assertEquals("field \"key\" is not base64: \"***\"",
                assertThrows(IOException.class, () -> json.bytes("key")).getMessage());
        assertEquals(7, json.number("n"));
        assertThrows(IOException.class, () -> JsonObject.of(JsonReader.parse("[]")));
    }

    @Test
    void refusesToWriteWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(Map.of("a", 1.5)));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(Map.of(1, "a")));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
