package io.lwt.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void aPeerCannotForgeALogLineNorHideWhatItSent() {
        assertEquals("alice", Printable.of("alice"));
        assertEquals("älice 名前", Printable.of("älice 名前"), "readable text stays readable");
        assertEquals("x\\u000a2026-12-02T00:00:00Z INFO  [hub] forged", Printable.of("x\n2026-12-02T00:00:00Z INFO  [hub] forged"));
        assertEquals("\\u001b[31mred", Printable.of("\u001b[31mred"), "no terminal escapes");
        assertEquals("a\\u202eb", Printable.of("a\u202eb"), "no right-to-left override");
        assertEquals("\\u005cu000a", Printable.of("\\u000a"), "a backslash is escaped, so an escape cannot be faked");
    }

    @Test
    void longTextIsCut() {
        String long1000 = "a".repeat(1000);
        String shown = Printable.of(long1000);
        assertTrue(shown.length() <= Printable.MOST + 3 && shown.endsWith("..."), shown);
        assertEquals("a".repeat(Printable.MOST), Printable.of("a".repeat(Printable.MOST)), "at the bound, nothing is cut");
    }
}
