package io.lwt.core.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPrefix;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Both sides of the handshake against each other, their messages through the wire format, no sockets. */
class HandshakeSidesTest {

    private static final byte[] ALICE_KEY = "alice's key, 32 bytes long......".getBytes();
    private static final Credential ALICE = new Credential("alice", ALICE_KEY);
    private static final Grant GRANT = new Grant(IpPrefix.parse("10.0.0.2/24"), null, 1400, Duration.ofSeconds(10),
            Duration.ofSeconds(30), List.of(), true);

    /** A message as the other side reads it: written, then read back from its bytes. */
    @SuppressWarnings("unchecked")
    private static <M extends HandshakeMessage> M overTheWire(M message) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(1024);
        message.write(b);
        return (M) HandshakeMessage.read(message.type(), b.flip());
    }

    @Test
    void aClientWithTheRightKeyIsWelcomedAndKnowsTheHubHoldsItToo() throws Exception {
        HubHandshake hub = new HubHandshake();
        ClientHandshake alice = new ClientHandshake("alice", ALICE_KEY);
        Hello hello = overTheWire(alice.answer(overTheWire(hub.challenge()), true));
        assertNull(hub.refusal(hello, ALICE, Optional.empty()));
        Welcome welcome = overTheWire(hub.welcome(ALICE, hello, GRANT));
        assertTrue(alice.proves(welcome));
        assertEquals(GRANT, welcome.grant());
    }

    @Test
    void aWrongKeyAndAnUnknownNameGetTheSameAnswer() throws Exception {
        HubHandshake hub = new HubHandshake();
        Hello guess = overTheWire(new ClientHandshake("alice", "a guess, also 32 bytes long.....".getBytes())
                .answer(hub.challenge(), true));
        assertEquals("unknown client or wrong key", hub.refusal(guess, ALICE, Optional.empty()));
        Hello stranger = overTheWire(new ClientHandshake("mallory", ALICE_KEY).answer(hub.challenge(), true));
        assertEquals("unknown client or wrong key", hub.refusal(stranger, null, Optional.empty()));
    }

    @Test
    void aRecordedHelloFailsAgainstTheNextChallenge() throws Exception {
        HubHandshake first = new HubHandshake();
        Hello recorded = overTheWire(new ClientHandshake("alice", ALICE_KEY).answer(first.challenge(), true));
        assertNull(first.refusal(recorded, ALICE, Optional.empty()));
        assertEquals("unknown client or wrong key", new HubHandshake().refusal(recorded, ALICE, Optional.empty()),
                "the same HELLO replayed on a new connection");
    }

    @Test
    void aWelcomeFromAHubWithoutTheKeyProvesNothing() throws Exception {
        HubHandshake impostor = new HubHandshake();
        ClientHandshake alice = new ClientHandshake("alice", ALICE_KEY);
        Hello hello = alice.answer(impostor.challenge(), true);
        Welcome forged = impostor.welcome(new Credential("alice", "not alice's key, 32 bytes long..".getBytes()), hello,
                GRANT);
        assertFalse(alice.proves(overTheWire(forged)));
        assertFalse(new ClientHandshake("alice", ALICE_KEY).proves(forged), "nothing proves before a HELLO");
    }

    @Test
    void aCertifiedIdentityMustBeTheName() throws Exception {
        HubHandshake hub = new HubHandshake();
        Credential certificateOnly = new Credential("m20", null);
        Hello hello = overTheWire(new ClientHandshake("m20", null).answer(hub.challenge(), true));
        assertNull(hub.refusal(hello, certificateOnly, Optional.of("m20")));
        assertEquals("the client certificate is for 'm21', not 'm20'",
                hub.refusal(hello, certificateOnly, Optional.of("m21")));
        assertEquals("this client must present a client certificate (transport tls)",
                hub.refusal(hello, certificateOnly, Optional.empty()));
        assertEquals("'m20' is not a client of this hub", hub.refusal(hello, null, Optional.of("m20")));
    }
}
