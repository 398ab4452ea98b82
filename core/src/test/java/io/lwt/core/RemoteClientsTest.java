package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.IpPrefix;
import io.lwt.testsupport.TestPackets;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which hub of a cluster holds the client a packet is for, or comes from, as the cluster's copy says. */
class RemoteClientsTest {

    private static final Map<String, RemoteClients.Addresses> KNOWN = Map.of(
            "alice", new RemoteClients.Addresses(IpPrefix.literal("10.0.0.2"), null, List.of()),
            "bob", new RemoteClients.Addresses(IpPrefix.literal("10.0.0.3"), IpPrefix.literal("fd00::3"),
                    List.of(IpPrefix.parse("192.168.50.0/24"))),
            "carol", new RemoteClients.Addresses(IpPrefix.literal("10.0.0.4"), null, List.of()));

    private final RemoteClients remote = new RemoteClients();

    @Test
    void clientsOfOtherHubsAreFoundByAddressAndSubnetButThisHubsAreNot() {
        remote.update(Map.of("alice", "a", "bob", "b", "carol", "self", "mallory", "b"), "self", KNOWN::get);
        assertSame(remote.hub("a"), remote.destinationOwner(packet("10.0.0.9", "10.0.0.2")));
        assertSame(remote.hub("b"), remote.destinationOwner(packet("10.0.0.9", "10.0.0.3")));
        assertSame(remote.hub("b"), remote.destinationOwner(packet("10.0.0.9", "192.168.50.7")), "behind bob");
        assertNull(remote.destinationOwner(packet("10.0.0.9", "10.0.0.4")), "carol is this hub's own");
        assertEquals("hub:b", remote.hub("b").name());

        assertTrue(remote.isFrom("b", packet("192.168.50.7", "10.0.0.4")));
        assertFalse(remote.isFrom("a", packet("10.0.0.3", "10.0.0.4")), "bob is b's, not a's");
        assertFalse(remote.isFrom("b", packet("10.0.0.4", "10.0.0.2")), "carol is no client of b");
    }

    @Test
    void aClientThatMovesIsFoundAtItsNewHubOnly() {
        remote.update(Map.of("alice", "a"), "self", KNOWN::get);
        assertTrue(remote.isFrom("a", packet("10.0.0.2", "10.0.0.4")));
        remote.update(Map.of("alice", "b"), "self", KNOWN::get);
        assertFalse(remote.isFrom("a", packet("10.0.0.2", "10.0.0.4")));
        assertSame(remote.hub("b"), remote.destinationOwner(packet("10.0.0.4", "10.0.0.2")));
    }

    private static ByteBuffer packet(String from, String to) {
        return ByteBuffer.wrap(TestPackets.udp(from, to, new byte[] {1}));
    }
}
