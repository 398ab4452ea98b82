package io.lwt.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Keys relative to the store's prefix, as etcd's base64 keys and range ends, and back. */
class KeySpaceTest {

    private final KeySpace lwt = new KeySpace("/lwt/");

    @Test
    void prefixesAndEncodesKeys() {
        assertEquals(base64("/lwt/hubs/a"), lwt.key("hubs/a"));
        assertEquals(base64("/lwt/"), lwt.key(""));
        assertEquals(base64("/lwt/é"), lwt.key("é"));
    }

    @Test
    void endsARangeJustAfterEveryKeyWithThePrefix() {
        assertEquals(base64("/lwt/hubs0"), lwt.rangeEnd("hubs/"));
        assertEquals(base64("/lwt0"), lwt.rangeEnd(""));
        // é is C3 A9 in UTF-8: the range ends at C3 AA
        assertEquals(Base64.getEncoder().encodeToString(new byte[] {'/', 'l', 'w', 't', '/', (byte) 0xc3, (byte) 0xaa}),
                lwt.rangeEnd("é"));
        assertEquals(Base64.getEncoder().encodeToString(new byte[] {0}), new KeySpace("").rangeEnd(""),
                "the whole key space");
    }

    @Test
    void givesKeysBackRelativeAndRefusesOnesOutsideThePrefix() throws IOException {
        assertEquals("hubs/a", lwt.relative(bytes("/lwt/hubs/a")));
        assertEquals("", lwt.relative(bytes("/lwt/")));
        assertEquals("etcd gave a key outside the prefix: /lwx/a",
                assertThrows(IOException.class, () -> lwt.relative(bytes("/lwx/a"))).getMessage());
        assertThrows(IOException.class, () -> lwt.relative(bytes("/lw")));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
