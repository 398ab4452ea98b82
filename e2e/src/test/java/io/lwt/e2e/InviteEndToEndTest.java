package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.testsupport.E2e;
import io.lwt.testsupport.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client enrolled by an invitation: lwt invite on a running hub, lwt join for a machine (namespace) the topology
 * does not know, a ping through the tunnel, then lwt invite --revoke ends its session.
 */
class InviteEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeEach
    void root() {
        E2e.requireRoot();
    }

    @Test
    void invitedClientJoinsPingsAndIsRevoked() throws Exception {
        try (TunnelNetwork net = TunnelNetwork.create(TunnelNetwork.Options.defaults(), "alice");
                Netns carol = Netns.create("carol")) {
            Netns.link(net.ns("hub"), "veth9", "10.99.9.1/24", carol, "veth0", "10.99.9.2/24");
            Netns.Running hub = net.start("hub");
            hub.awaitLine(l -> l.contains("the hub's public key"), WAIT, "the hub up");
            String config = net.directory().resolve("lwt.yaml").toString();
            String socket = net.control("hub").toString();

            String invited = TunnelNetwork.lwt("invite", "carol", "--config", config, "--hub", "hub", "--socket", socket,
                    "--endpoint", "10.99.9.1:9000");
            assertTrue(invited.contains("the running hub applied it: reloaded "), invited);
            assertTrue(invited.contains("it is a secret"), invited);
            String token = invited.lines().filter(l -> l.startsWith("lwt1-")).findFirst().orElseThrow(() ->
                    new AssertionError("no token in\n" + invited));
            hub.awaitLine(l -> l.contains("reloaded ") && l.contains("carol"), WAIT, "the hub applies the invitation");

            Path file = net.directory().resolve("carol.yaml");
            String joined = TunnelNetwork.lwt("join", token, "--out", file.toString());
            assertTrue(joined.contains("Start it with: sudo lwt run " + file), joined);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

            Netns.Running client = carol.start(List.of(TunnelNetwork.LWT.toString(), "run", file.toString(), "--node",
                    "carol", "--control", net.directory().resolve("carol.sock").toString()),
                    net.directory().resolve("carol.log"));
            client.awaitLine(l -> l.contains("tunnel up"), WAIT, "carol's tunnel up");
            Netns.Result ping = carol.exec("ping", "-c", "2", "-i", "0.2", "-W", "2", "10.0.0.1");
            assertTrue(ping.ok(), ping.output() + "\n" + client.log());

            String revoked = TunnelNetwork.lwt("invite", "--revoke", "carol", "--config", config, "--socket", socket);
            assertTrue(revoked.contains("revoked carol: deleted "), revoked);
            hub.awaitLine(l -> l.contains("carol") && l.contains("closed: its entry changed or was removed in a reload"),
                    WAIT, "the hub ends carol's session");
            client.awaitLine(l -> l.contains("closed"), WAIT, "carol loses its tunnel");
            assertFalse(Files.exists(net.directory().resolve("clients.d/hub/carol.yaml")));
            assertFalse(carol.exec("ping", "-c", "1", "-W", "1", "10.0.0.1").ok(), "no tunnel after the revocation");
        }
    }
}
