package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPrefix;
import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    private static final byte[] KEY = new byte[32];

    @Test
    void aRecordedHelloFailsAgainstANewChallenge() {
        byte[] firstChallenge = Handshake.nonce();
        byte[] clientNonce = Handshake.nonce();
        byte[] proof = Handshake.clientProof(KEY, firstChallenge, clientNonce, "alice");
        assertTrue(Handshake.matches(Handshake.clientProof(KEY, firstChallenge, clientNonce, "alice"), proof));
        byte[] nextChallenge = Handshake.nonce();
        assertFalse(Handshake.matches(Handshake.clientProof(KEY, nextChallenge, clientNonce, "alice"), proof),
                "the same HELLO replayed on a new connection");
        assertFalse(Handshake.matches(Handshake.clientProof(KEY, firstChallenge, clientNonce, "bob"), proof),
                "the proof binds the name");
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        assertFalse(Handshake.matches(Handshake.clientProof(otherKey, firstChallenge, clientNonce, "alice"), proof));
        assertFalse(Handshake.matches(Handshake.hubProof(KEY, firstChallenge, clientNonce), proof),
                "hub and client proofs differ, so one cannot be reflected as the other");
    }

    @Test
    void messagesRoundTrip() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(512);
        Handshake.Hello hello = new Handshake.Hello(Handshake.nonce(), new byte[32], "älice");
        Handshake.writeHello(b, hello);
        Handshake.Hello read = Handshake.readHello(b.flip());
        assertEquals("älice", read.name());
        assertArrayEquals(hello.clientNonce(), read.clientNonce());

        Handshake.Welcome welcome = new Handshake.Welcome(new byte[32], IpPrefix.parse("10.0.0.7/24"), 9000,
                Duration.ofSeconds(10), Duration.ofSeconds(30), List.of(IpPrefix.parse("192.168.50.0/24")));
        Handshake.writeWelcome(b.clear(), welcome);
        Handshake.Welcome w = Handshake.readWelcome(b.flip());
        assertEquals(welcome.address(), w.address());
        assertEquals(9000, w.mtu());
        assertEquals(Duration.ofSeconds(30), w.timeout());
        assertEquals(welcome.routes(), w.routes());

        Handshake.writeReject(b.clear(), new Handshake.Reject(Handshake.RejectReason.POOL_EXHAUSTED, "full"));
        Handshake.Reject r = Handshake.readReject(b.flip());
        assertEquals(Handshake.RejectReason.POOL_EXHAUSTED, r.reason());
        assertFalse(r.reason().permanent);
        assertEquals("full", r.text());
    }

    @Test
    void garbageIsAProtocolErrorNeverAnAllocation() {
        assertEquals("handshake version 9 is not supported (this node speaks 1)",
                assertThrows(ProtocolException.class, () -> Handshake.readChallenge(ByteBuffer.wrap(new byte[] {9}))).getMessage());
        assertThrows(ProtocolException.class, () -> Handshake.readChallenge(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        ByteBuffer longName = ByteBuffer.allocate(100).put((byte) 1).put(new byte[64]).put((byte) 200);
        assertEquals("hello: name length 200 outside 1..64",
                assertThrows(ProtocolException.class, () -> Handshake.readHello(longName.flip())).getMessage());
        ByteBuffer manyRoutes = ByteBuffer.allocate(100).put((byte) 1).put(new byte[32]).put(new byte[] {10, 0, 0, 1, 24})
                .putShort((short) 1400).putInt(1000).putInt(3000).put((byte) 255);
        assertThrows(ProtocolException.class, () -> Handshake.readWelcome(manyRoutes.flip()));
        assertThrows(ProtocolException.class, () -> Handshake.readReject(ByteBuffer.wrap(new byte[] {99, 0})));
    }
}
