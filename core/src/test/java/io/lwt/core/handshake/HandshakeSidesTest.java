package io.lwt.core.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPrefix;
import io.lwt.api.ProtocolException;
import io.lwt.core.noise.Curve25519;
import io.lwt.core.noise.HandshakeState;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Both sides of the handshake against each other, their messages through the wire format, no sockets. */
class HandshakeSidesTest {

    private static final byte[] ALICE_KEY = "alice's key, 32 bytes long......".getBytes();
    private static final Credential ALICE = Credential.of("alice", ALICE_KEY);
    private static final Curve25519.KeyPair HUB = Curve25519.generate();
    private static final byte[] NO_BINDING = new byte[0];
    private static final Grant GRANT = new Grant(IpPrefix.parse("10.0.0.2/24"), null, 1400, Duration.ofSeconds(10),
            Duration.ofSeconds(30), List.of(), true);
    /** A hub that knows alice only. */
    private static final HubHandshake.Directory CLIENTS = (key, certified) ->
            java.util.Arrays.equals(key, ALICE.staticKey()) ? ALICE : null;

    /** A message as the other side reads it: written, then read back from its bytes. */
    @SuppressWarnings("unchecked")
    private static <M extends HandshakeMessage> M overTheWire(M message) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(2048);
        message.write(b);
        assertEquals(message.length(), b.position(), "length() is what write() writes");
        return (M) HandshakeMessage.read(message.type(), b.flip());
    }

    @Test
    void aClientWithTheRightKeyGetsItsGrantAndBothSidesShareKeys() throws Exception {
        ClientHandshake alice = new ClientHandshake(ALICE_KEY, HUB.publicKey(), NO_BINDING);
        HubHandshake hub = new HubHandshake(HUB, NO_BINDING);
        HubHandshake.Initiator initiator = hub.read(overTheWire(alice.initiation(true)), CLIENTS, Optional.empty());
        assertEquals("alice", initiator.client().name(), "the hub tells who it is by the static key alone");
        assertTrue(initiator.takesSuperSegments());
        assertEquals(GRANT, alice.read(overTheWire(hub.answer(GRANT))));
        HandshakeState.Transport client = alice.keys();
        HandshakeState.Transport server = hub.keys();
        assertArrayEquals("sealed".getBytes(), server.receiving().decryptWithAd(new byte[0],
                client.sending().encryptWithAd(new byte[0], "sealed".getBytes())));
        assertArrayEquals("back".getBytes(), client.receiving().decryptWithAd(new byte[0],
                server.sending().encryptWithAd(new byte[0], "back".getBytes())));
    }

    @Test
    void aWrongKeyOrAnotherHubsKeyIsNotAnswered() throws Exception {
        byte[] guess = "a guess, also 32 bytes long.....".getBytes();
        ProtocolException wrongKey = assertThrows(ProtocolException.class, () -> new HubHandshake(HUB, NO_BINDING)
                .read(new ClientHandshake(guess, HUB.publicKey(), NO_BINDING).initiation(true), CLIENTS, Optional.empty()));
        assertEquals("initiation: from a static key that is no client's (unknown client or wrong key)",
                wrongKey.getMessage());
        Curve25519.KeyPair other = Curve25519.generate();
        ProtocolException scanner = assertThrows(ProtocolException.class, () -> new HubHandshake(HUB, NO_BINDING)
                .read(new ClientHandshake(ALICE_KEY, other.publicKey(), NO_BINDING).initiation(true), CLIENTS,
                        Optional.empty()));
        assertEquals("initiation: not for this hub's public key (mac1)", scanner.getMessage());
    }

    @Test
    void aResponseFromAnImpostorOrAlteredIsAProtocolErrorNotAnAnswer() throws Exception {
        ClientHandshake alice = new ClientHandshake(ALICE_KEY, HUB.publicKey(), NO_BINDING);
        Initiation initiation = alice.initiation(true);
        // an impostor that knows alice's key but not the hub's private key cannot even read the initiation; one that
        // answers anyway, from a hub key of its own, writes a response alice cannot open
        HubHandshake impostor = new HubHandshake(Curve25519.generate(), NO_BINDING);
        assertThrows(ProtocolException.class, () -> impostor.read(initiation, CLIENTS, Optional.empty()));
        HubHandshake hub = new HubHandshake(HUB, NO_BINDING);
        hub.read(initiation, CLIENTS, Optional.empty());
        byte[] response = hub.answer(new Reject(Reject.Reason.AUTHENTICATION, "go away")).noise();
        response[response.length - 1] ^= 1;
        assertTrue(assertThrows(ProtocolException.class, () -> alice.read(new Response(response))).getMessage()
                .startsWith("response: not from the hub this client pins"));
    }

    @Test
    void handshakesOverTwoDifferentChannelsDoNotMeet() throws Exception {
        ClientHandshake alice = new ClientHandshake(ALICE_KEY, HUB.publicKey(), "tls session one".getBytes());
        HubHandshake hub = new HubHandshake(HUB, "tls session two".getBytes());
        assertThrows(ProtocolException.class, () -> hub.read(alice.initiation(true), CLIENTS, Optional.empty()),
                "a man in the middle who ends two TLS sessions cannot relay the handshake between them");
    }

    @Test
    void aReplayedInitiationIsRefusedAndALaterOneTaken() throws Exception {
        ReplayGuard replays = new ReplayGuard();
        Initiation first = new ClientHandshake(ALICE_KEY, HUB.publicKey(), NO_BINDING).initiation(true);
        HubHandshake.Initiator read = new HubHandshake(HUB, NO_BINDING).read(first, CLIENTS, Optional.empty());
        assertTrue(replays.accept("alice", read.timestamp()));
        HubHandshake.Initiator again = new HubHandshake(HUB, NO_BINDING).read(first, CLIENTS, Optional.empty());
        assertFalse(replays.accept("alice", again.timestamp()), "the same initiation, recorded and sent again");
        Initiation next = new ClientHandshake(ALICE_KEY, HUB.publicKey(), NO_BINDING).initiation(true);
        assertTrue(replays.accept("alice", new HubHandshake(HUB, NO_BINDING).read(next, CLIENTS, Optional.empty())
                .timestamp()));
    }

    @Test
    void aCertificateOnlyClientIsFoundByItsCertifiedName() throws Exception {
        Credential m20 = Credential.of("m20", null);
        HubHandshake.Directory certified = (key, identity) -> identity.filter("m20"::equals).map(n -> m20).orElse(null);
        Initiation initiation = new ClientHandshake(null, HUB.publicKey(), NO_BINDING).initiation(false);
        assertEquals("m20", new HubHandshake(HUB, NO_BINDING).read(initiation, certified, Optional.of("m20"))
                .client().name());
        assertThrows(ProtocolException.class,
                () -> new HubHandshake(HUB, NO_BINDING).read(initiation, certified, Optional.empty()));
    }

    @Test
    void theClientsStaticKeyIsItsPreSharedKeysOnly() {
        assertArrayEquals(Protocol.clientStatic(ALICE_KEY).publicKey(), ALICE.staticKey());
        assertFalse(java.util.Arrays.equals(ALICE.staticKey(),
                Credential.of("alice", "another key of 32 bytes.........".getBytes()).staticKey()));
    }
}
