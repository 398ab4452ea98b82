package io.lwt.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.core.StaticKeys;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The invitation's text: what goes in comes out, and a damaged copy is refused with one line saying why. */
class InviteTokenTest {

    private static final InviteToken TOKEN = new InviteToken("alice", "hub.example.org:9000",
            StaticKeys.publicKey(StaticKeys.generate()), Base64.getDecoder().decode(Keys.generate()), 1380);

    @Test
    void roundTripsEveryField() {
        String text = TOKEN.text();
        assertTrue(text.matches("lwt1-[A-Za-z0-9_-]+"), "copy-paste safe: " + text);
        InviteToken read = InviteToken.parse(text);
        assertEquals("alice", read.name());
        assertEquals("hub.example.org:9000", read.endpoint());
        assertArrayEquals(TOKEN.hubKey(), read.hubKey());
        assertArrayEquals(TOKEN.clientKey(), read.clientKey());
        assertEquals(1380, read.mtu());
        InviteToken v6 = new InviteToken("b.2", "[fd00::1]:443", TOKEN.hubKey(), TOKEN.clientKey(), 1400);
        assertEquals("[fd00::1]:443", InviteToken.parse(v6.text()).endpoint());
    }

    @Test
    void ignoresWhiteSpaceAMailClientAdds() {
        String text = TOKEN.text();
        String wrapped = "  " + text.substring(0, 30) + "\n  " + text.substring(30) + "\n";
        assertEquals("alice", InviteToken.parse(wrapped).name());
    }

    @Test
    void refusesEveryTruncation() {
        String text = TOKEN.text();
        for (int length = InviteToken.PREFIX.length(); length < text.length(); length++) {
            String cut = text.substring(0, length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InviteToken.parse(cut), cut);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("damaged"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }

    @Test
    void refusesAChangedCharacterByItsChecksum() {
        String text = TOKEN.text();
        int at = text.length() / 2;
        String changed = text.substring(0, at) + (text.charAt(at) == 'A' ? 'B' : 'A') + text.substring(at + 1);
        assertEquals("the invitation is damaged: its checksum does not match: copy the whole line again",
                assertThrows(IllegalArgumentException.class, () -> InviteToken.parse(changed)).getMessage());
    }

    @Test
    void refusesOtherTextWithTheReason() {
        assertEquals("not an lwt invitation: it starts with lwt1-",
                assertThrows(IllegalArgumentException.class, () -> InviteToken.parse("hello")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InviteToken.parse("lwt2-AAAA")).getMessage()
                .startsWith("this invitation was made by a newer lwt (it starts with lwt2-)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InviteToken.parse("lwt1-a*b")).getMessage()
                .startsWith("not an lwt invitation: it is damaged"));
        String longer = TOKEN.text() + "AAAA";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InviteToken.parse(longer)).getMessage()
                .contains("bytes too many at its end"));
    }

    @Test
    void refusesNamesAndEndpointsThatWouldBecomeYamlOrPaths() {
        for (String name : new String[] {"../x", "a b", "", "a:b", "-x"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new InviteToken(name, "h:1", TOKEN.hubKey(), TOKEN.clientKey(), 1400), name);
        }
        for (String endpoint : new String[] {"h", "h:0", "h:70000", "h:1\nkey: x", "\"h\":1"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> new InviteToken("a", endpoint, TOKEN.hubKey(), TOKEN.clientKey(), 1400), endpoint);
        }
    }

    @Test
    void neverPrintsTheKey() {
        assertEquals("InviteToken[alice -> hub.example.org:9000]", TOKEN.toString());
    }
}
