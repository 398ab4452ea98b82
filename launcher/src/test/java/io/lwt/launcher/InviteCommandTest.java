package io.lwt.launcher;

import static io.lwt.launcher.InProcess.lwt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.core.ClientAuth;
import io.lwt.core.ClientSpec;
import io.lwt.core.HubAccess;
import io.lwt.core.HubSpec;
import io.lwt.core.StaticKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lwt invite and lwt join in-process, with no hub running: the files they write and what the hub then accepts. */
class InviteCommandTest {

    @TempDir
    Path dir;

    private Path hubFile(String extra) throws Exception {
        Path file = dir.resolve("hub.yaml");
        Files.writeString(file, """
                # the user's own comments, which invite must keep
                role: hub
                name: hub
                listen: 0.0.0.0:9000
                address: 10.0.0.1/24
                pool: 10.0.0.100-10.0.0.199
                mtu: 1380
                """ + extra);
        return file;
    }

    private InProcess.Outcome invite(Path file, String... more) {
        String[] args = new String[] {"invite", "--config", file.toString(), "--socket", dir.resolve("hub.sock").toString(),
                "--endpoint", "hub.example.org:9000"};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return lwt(all);
    }

    private static HubAccess.Secure access(Path file) {
        return (HubAccess.Secure) ((HubSpec) Topology.load(file).select("hub", null).spec()).access();
    }

    @Test
    void invitedClientJoinsWithTheKeysTheHubKnows() throws Exception {
        Path file = hubFile("");
        String before = Files.readString(file);
        InProcess.Outcome invited = invite(file, "alice", "--address", "10.0.0.5", "--routes", "192.168.50.0/24");
        assertEquals(0, invited.exit(), invited.err());
        String token = invited.out().strip();
        assertEquals(1, invited.out().lines().count(), "one line to give: " + invited.out());
        assertTrue(invited.err().contains("it is a secret"), invited.err());
        assertTrue(invited.err().contains("the hub is not running (no " + dir.resolve("hub.sock")
                + "): it applies the change at its next start"), invited.err());

        assertEquals(before, Files.readString(file), "the user's file is not rewritten");
        Path entry = dir.resolve("clients.d/hub/alice.yaml");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(entry.getParent())));
        assertTrue(Files.exists(dir.resolve("noise/hub.key")), "the hub's key, made now, is kept for its first start");
        HubAccess.ClientEntry alice = access(file).clients().get("alice");
        assertEquals("10.0.0.5", alice.address().getHostAddress());
        assertEquals("[192.168.50.0/24]", alice.routes().toString());
        assertEquals(java.util.List.of(), Topology.load(file).warnings(), "an inline key in a 0600 file: no warning");

        Path client = dir.resolve("alice.yaml");
        InProcess.Outcome joined = lwt("join", token, "--out", client.toString());
        assertEquals(0, joined.exit(), joined.err());
        assertTrue(joined.out().contains("Start it with: sudo lwt run " + client), joined.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(client)));
        Topology.NodeDefinition node = Topology.load(client).select(null, null);
        ClientSpec spec = (ClientSpec) node.spec();
        ClientAuth.Secure auth = (ClientAuth.Secure) spec.auth();
        assertEquals("alice", auth.identity());
        assertArrayEquals(alice.key(), auth.key());
        assertArrayEquals(StaticKeys.publicKey(access(file).staticKey()), auth.hubKey());
        assertEquals("hub.example.org:9000", spec.hubs().getFirst().getHostString() + ":" + spec.hubs().getFirst().getPort());
        assertEquals(1380, spec.mtu(), "the hub's mtu");
        assertEquals(java.util.List.of(), Topology.load(client).warnings());

        InProcess.Outcome again = lwt("join", token, "--out", client.toString());
        assertEquals(1, again.exit());
        assertEquals("lwt: " + client + " exists; not overwriting it (--out FILE)", again.err().strip());
    }

    @Test
    void joinRefusesADamagedTokenInOneLineAndWritesNothing() throws Exception {
        String token = invite(hubFile(""), "bob").out().strip();
        Path client = dir.resolve("bob.yaml");
        InProcess.Outcome cut = lwt("join", token.substring(0, token.length() - 5), "--out", client.toString());
        assertEquals(1, cut.exit());
        assertEquals("lwt: the invitation is truncated: copy the whole line lwt invite printed", cut.err().strip());
        assertFalse(Files.exists(client));
    }

    @Test
    void revokeRemovesTheClient() throws Exception {
        Path file = hubFile("");
        assertEquals(0, invite(file, "carol").exit());
        assertTrue(access(file).clients().containsKey("carol"));
        InProcess.Outcome twice = invite(file, "carol");
        assertEquals(1, twice.exit());
        assertTrue(twice.err().contains("carol is already a client of hub"), twice.err());

        InProcess.Outcome revoked = invite(file, "--revoke", "carol");
        assertEquals(0, revoked.exit(), revoked.err());
        assertTrue(revoked.out().startsWith("revoked carol: deleted " + dir.resolve("clients.d/hub/carol.yaml")),
                revoked.out());
        assertFalse(access(file).clients().containsKey("carol"));
        InProcess.Outcome unknown = invite(file, "--revoke", "carol");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().startsWith("lwt: no invited client carol"), unknown.err());
    }

    @Test
    void refusesWhatTheHubWouldRefuseAndLeavesNoFile() throws Exception {
        Path file = hubFile("");
        InProcess.Outcome outside = invite(file, "dave", "--address", "10.9.0.5");
        assertEquals(2, outside.exit(), outside.err());
        assertTrue(outside.err().contains("10.9.0.5 is not inside the tunnel network 10.0.0.0/24"), outside.err());
        assertFalse(Files.exists(dir.resolve("clients.d/hub/dave.yaml")));
        InProcess.Outcome noEndpoint = lwt("invite", "--config", file.toString(), "dave");
        assertEquals(1, noEndpoint.exit());
        assertEquals("lwt: the hub listens on every address (port 9000): give the address clients dial with "
                + "--endpoint HOST:9000", noEndpoint.err().strip());
        InProcess.Outcome badName = invite(file, "../x");
        assertEquals(1, badName.exit());
    }

    @Test
    void invitedClientsMergeWithTheFileAndANameTwiceIsLocated() throws Exception {
        Path file = hubFile("""
                clients:
                  erin: {key: %s, address: 10.0.0.7}
                """.formatted(Keys.generate()));
        Path entries = dir.resolve("clients.d/hub");
        InvitedClients.write(entries.resolve("frank.yaml"), "frank", Keys.generate(), java.util.List.of(), java.util.List.of(), null);
        Files.writeString(entries.resolve("frank.yaml~"), "editor backup: ignored");
        assertEquals(java.util.Set.of("erin", "frank"), access(file).clients().keySet());

        InvitedClients.write(entries.resolve("erin.yaml"), "erin", Keys.generate(), java.util.List.of(), java.util.List.of(), null);
        ConfigException twice = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> access(file));
        assertEquals(entries.resolve("erin.yaml") + ":3:1: client erin is defined twice: in clients and by lwt invite",
                twice.getMessage());
        Files.delete(entries.resolve("erin.yaml"));

        InvitedClients.write(entries.resolve("gina.yaml"), "gina", Keys.generate(), java.util.List.of("10.0.0.7"),
                java.util.List.of(), null);
        ConfigException taken = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> access(file));
        assertTrue(taken.getMessage().startsWith(entries.resolve("gina.yaml") + ":"), taken.getMessage());
        assertTrue(taken.getMessage().endsWith("10.0.0.7 is already the address of erin"), taken.getMessage());
    }
}
