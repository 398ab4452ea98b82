package io.lwt.launcher;

import io.lwt.core.NodeStatus;
import io.lwt.core.TunnelNode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A running node's control socket: a Unix domain socket, readable and writable by its owner only (root by
 * default). A client sends one request line and gets one answer, then the connection closes: {@code status} (the
 * node's status as one JSON document), {@code kick NAME} (a hub closes that client's sessions) or {@code reload}
 * (re-read the topology file; the answer is the report, one line each).
 */
final class ControlSocket implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ControlSocket.class.getName());
    /** Where nodes put their sockets unless told otherwise; systemd's RuntimeDirectory=lwt makes it. */
    static final Path DEFAULT_DIRECTORY = Path.of("/run/lwt");
    /** How an answer starts that reports an error rather than a result. */
    static final String ERROR = "error: ";

    private final Path path;
    private final ServerSocketChannel server;

    private ControlSocket(Path path, ServerSocketChannel server) {
        this.path = path;
        this.server = server;
    }

    static Path defaultPath(String node) {
        return DEFAULT_DIRECTORY.resolve(node + ".sock");
    }

    /** Binds the socket (replacing a stale one) and serves {@code node}'s status on a virtual thread. */
    static ControlSocket open(Path path, TunnelNode node, NodeReloader reloader) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            try (SocketChannel live = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                live.connect(UnixDomainSocketAddress.of(path));
                throw new IOException("another running node serves it");
            } catch (java.net.SocketException stale) {
                Files.deleteIfExists(path); // left by a node that did not stop cleanly
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        ControlSocket socket = new ControlSocket(path, server);
        Thread.ofVirtual().name("lwt-control").start(() -> socket.serve(node, reloader));
        return socket;
    }

    private void serve(TunnelNode node, NodeReloader reloader) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer answer = ByteBuffer.wrap(answer(request(client), node, reloader).getBytes(StandardCharsets.UTF_8));
                while (answer.hasRemaining()) {
                    client.write(answer);
                }
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.log(Level.DEBUG, "control socket: {0}", e.getMessage());
                }
            }
        }
    }

    /** One request line, at most 256 bytes. */
    private static String request(SocketChannel client) throws IOException {
        ByteBuffer line = ByteBuffer.allocate(256);
        while (line.hasRemaining() && client.read(line) >= 0) {
            if (line.position() > 0 && line.get(line.position() - 1) == '\n') {
                break;
            }
        }
        return new String(line.array(), 0, line.position(), StandardCharsets.UTF_8).strip();
    }

    private static String answer(String request, TunnelNode node, NodeReloader reloader) {
        if (request.equals("status")) {
            return json(node.status());
        }
        if (request.equals("reload")) {
            return reloader == null ? ERROR + "this node was started from the original's flags: nothing to reload\n"
                    : String.join("\n", reloader.reload()) + "\n";
        }
        if (request.startsWith("kick ")) {
            if (!(node instanceof io.lwt.core.HubNode hub)) {
                return ERROR + "only a hub can kick clients\n";
            }
            String name = request.substring(5).strip();
            int kicked = hub.kick(name);
            return kicked == 0 ? ERROR + "no session of " + name + "\n" : "kicked " + kicked + " session(s) of " + name + "\n";
        }
        return ERROR + "unknown request (status, kick NAME, reload)\n";
    }

    /**
     * Sends a command's request, prints the answer to its output, or its error (an answer starting with "error: ")
     * as one line; returns the exit code.
     */
    static int command(picocli.CommandLine.Model.CommandSpec spec, Path path, String request) {
        String answer;
        try {
            answer = ask(path, request).strip();
        } catch (IOException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException("cannot reach " + path + ": " + e.getMessage()));
        }
        if (answer.startsWith(ERROR)) {
            return Cli.fail(spec.commandLine().getErr(), new IllegalStateException(answer.substring(ERROR.length())));
        }
        spec.commandLine().getOut().println(answer);
        return 0;
    }

    /** Sends one request to a node's control socket and returns the answer. */
    static String ask(Path path, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(path));
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The status as JSON: {"node":..,"role":..,"time":..,"peers":[{..}],"drops":{..},"reconnects":..,"cluster":..}; rates in
     * bytes/s, the keepalive round-trip time {@code rttMs} in milliseconds (null before the first echo), and how the
     * session is sealed: {@code cipher} (null before the handshake and in legacy mode), {@code handshakeAgeS} in
     * seconds and {@code rekeys}; {@code cluster} is null but on a hub of a cluster.
     */
    static String json(NodeStatus status) {
        StringJoiner peers = new StringJoiner(",", "[", "]");
        for (NodeStatus.Peer p : status.peers()) {
            peers.add("{\"identity\":" + string(p.identity()) + ",\"address\":" + string(p.address())
                    + ",\"remote\":" + string(p.remote()) + ",\"since\":" + string(p.since().toString())
                    + ",\"rxPackets\":" + p.rxPackets() + ",\"rxBytes\":" + p.rxBytes()
                    + ",\"txPackets\":" + p.txPackets() + ",\"txBytes\":" + p.txBytes()
                    + ",\"rxRate\":" + Math.round(p.rxRate()) + ",\"txRate\":" + Math.round(p.txRate())
                    + ",\"queued\":" + p.queued()
                    + ",\"rttMs\":" + (p.rtt() == null ? "null" : String.format(Locale.ROOT, "%.3f", p.rtt().toNanos() / 1e6))
                    + ",\"cipher\":" + string(p.protection() == null ? null : p.protection().cipher())
                    + ",\"handshakeAgeS\":" + (p.protection() == null ? "null" : p.protection().handshakeAge().toSeconds())
                    + ",\"rekeys\":" + (p.protection() == null ? "null" : p.protection().rekeys())
                    + "}");
        }
        StringJoiner drops = new StringJoiner(",", "{", "}");
        for (Map.Entry<String, Long> e : status.drops().entrySet()) {
            drops.add(string(e.getKey()) + ":" + e.getValue());
        }
        return "{\"node\":" + string(status.node()) + ",\"role\":" + string(status.role()) + ",\"time\":"
                + string(Instant.now().toString()) + ",\"peers\":" + peers + ",\"drops\":" + drops + ",\"reconnects\":"
                + status.reconnects() + ",\"cluster\":" + cluster(status.cluster()) + "}\n";
    }

    /** A clustered hub's view: {"hub":..,"registered":..,"members":{HUB:ENDPOINT},"locations":{CLIENT:HUB}}. */
    private static String cluster(NodeStatus.Cluster cluster) {
        if (cluster == null) {
            return "null";
        }
        StringJoiner members = new StringJoiner(",", "{", "}");
        cluster.members().forEach((hub, endpoint) -> members.add(string(hub) + ":" + string(endpoint)));
        StringJoiner locations = new StringJoiner(",", "{", "}");
        cluster.locations().forEach((client, hub) -> locations.add(string(client) + ":" + string(hub)));
        return "{\"hub\":" + string(cluster.hub()) + ",\"registered\":" + cluster.registered() + ",\"members\":"
                + members + ",\"locations\":" + locations + "}";
    }

    private static String string(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the control socket: {0}", e.getMessage());
        }
    }
}
