package io.lwt.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A real etcd cluster for tests: members started as child processes of {@code etcd} (Debian's etcd-server), on
 * loopback with free ports ({@link #start}) or one in each of a test's network namespaces ({@link #startIn}). Each is
 * named {@code m1..mN}, keeps its data in {@code dir/mN.etcd}, and writes its output to a log in {@code dir}, one file
 * per run. A test kills, stops, freezes and restarts members by index (0-based) to see how its clients cope;
 * {@link #close()} kills every member it started, by PID, and deletes their data. Driven by one test thread.
 */
public final class EtcdCluster implements AutoCloseable {

    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(50);
    private static final int CLIENT_PORT = 2379;
    private static final int PEER_PORT = 2380;

    private final List<Member> members;
    private final String initialCluster;
    private final String token = "lwt-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

    private EtcdCluster(List<Member> members) {
        this.members = List.copyOf(members);
        this.initialCluster = members.stream().map(m -> m.name + "=" + m.peerUrl).collect(Collectors.joining(","));
    }

    /** Starts {@code members} members on 127.0.0.1, each on two free ports, and waits until every one is healthy. */
    public static EtcdCluster start(int members, Path dir) throws InterruptedException {
        if (members < 1) {
            throw new IllegalArgumentException("an etcd cluster has at least one member");
        }
        List<Integer> ports = freePorts(2 * members);
        List<Member> list = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            list.add(new Member(new Loopback(), "m" + (i + 1), "http://127.0.0.1:" + ports.get(2 * i),
                    "http://127.0.0.1:" + ports.get(2 * i + 1), dir));
        }
        return started(new EtcdCluster(list), dir);
    }

    /**
     * Starts one member inside each namespace, listening on the address at the same index of {@code hosts} (ports
     * 2379 for clients and 2380 for peers), and waits until every one is healthy, as seen from its own namespace. The
     * test routes between the namespaces; each namespace's {@link Netns#close()} also kills its member.
     */
    public static EtcdCluster startIn(List<Netns> namespaces, List<String> hosts, Path dir)
            throws InterruptedException {
        if (namespaces.isEmpty() || namespaces.size() != hosts.size()) {
            throw new IllegalArgumentException("one host address for each namespace, and at least one namespace");
        }
        List<Member> list = new ArrayList<>();
        for (int i = 0; i < namespaces.size(); i++) {
            String host = hosts.get(i).contains(":") ? "[" + hosts.get(i) + "]" : hosts.get(i);
            list.add(new Member(new Inside(namespaces.get(i)), "m" + (i + 1), "http://" + host + ":" + CLIENT_PORT,
                    "http://" + host + ":" + PEER_PORT, dir));
        }
        return started(new EtcdCluster(list), dir);
    }

    private static EtcdCluster started(EtcdCluster cluster, Path dir) throws InterruptedException {
        try {
            Files.createDirectories(dir);
            for (Member member : cluster.members) {
                cluster.launch(member, "new");
            }
            for (Member member : cluster.members) {
                cluster.awaitHealthy(member);
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        } catch (RuntimeException | Error | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    public List<String> clientUrls() {
        return members.stream().map(m -> m.clientUrl).toList();
    }

    public String clientUrl(int member) {
        return members.get(member).clientUrl;
    }

    /** Kills a member with SIGKILL and waits until it has exited. */
    public void kill(int member) throws InterruptedException {
        Member m = members.get(member);
        m.process.destroyForcibly();
        awaitExit(m, "SIGKILL");
    }

    /** Stops a member with SIGTERM, as an operator would, and waits until it has exited. */
    public void stop(int member) throws InterruptedException {
        Member m = members.get(member);
        m.process.destroy();
        awaitExit(m, "SIGTERM");
    }

    /**
     * Starts members that were killed or stopped again, with the same name, ports and data, all before waiting for
     * any: a member that lost its quorum is only healthy once enough of the others are back too.
     */
    public void restart(int... indexes) throws InterruptedException {
        for (int index : indexes) {
            Member m = members.get(index);
            if (m.process.isAlive()) {
                throw new IllegalStateException(m.name + " is still running");
            }
            launch(m, "existing");
        }
        for (int index : indexes) {
            awaitHealthy(members.get(index));
        }
    }

    /** Suspends a member (SIGSTOP): its sockets stay open, but it answers nothing, as a hung host. */
    public void freeze(int member) {
        signal(members.get(member), "-STOP");
    }

    /** Resumes a frozen member (SIGCONT). */
    public void thaw(int member) {
        signal(members.get(member), "-CONT");
    }

    /** What the member wrote, every run of it in order. */
    public String log(int member) {
        StringBuilder all = new StringBuilder();
        for (Path log : members.get(member).logs) {
            all.append("==> ").append(log).append(" <==\n");
            try {
                all.append(Files.readString(log));
            } catch (IOException e) {
                all.append("(unreadable: ").append(e.getMessage()).append(")\n");
            }
        }
        return all.toString();
    }

    /** Kills every member (SIGKILL by PID, which also ends a frozen one) and deletes their data directories. */
    @Override
    public void close() {
        for (Member m : members) {
            if (m.process != null) {
                m.process.destroyForcibly();
            }
        }
        for (Member m : members) {
            try {
                if (m.process != null && !m.process.waitFor(EXIT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(m.name + " (PID " + m.process.pid() + ") outlived SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(m.dataDir);
        }
    }

    private void launch(Member m, String clusterState) {
        Path log = m.logDir.resolve(m.name + "." + (m.logs.size() + 1) + ".log");
        m.logs.add(log);
        m.process = m.place.start(List.of("etcd",
                "--name", m.name,
                "--data-dir", m.dataDir.toString(),
                "--listen-client-urls", m.clientUrl,
                "--advertise-client-urls", m.clientUrl,
                "--listen-peer-urls", m.peerUrl,
                "--initial-advertise-peer-urls", m.peerUrl,
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", clusterState,
                "--initial-cluster-token", token,
                "--logger", "zap",
                "--log-outputs", "stderr"), log);
    }

    private void awaitHealthy(Member m) throws InterruptedException {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!m.process.isAlive()) {
                throw new AssertionError("etcd " + m.name + " exited (" + m.process.exitValue() + ") before it was "
                        + "healthy:\n" + log(members.indexOf(m)));
            }
            if (m.place.healthy(m.clientUrl)) {
                return;
            }
            Thread.sleep(POLL);
        }
        throw new AssertionError("etcd " + m.name + " not healthy at " + m.clientUrl + "/health within "
                + HEALTHY_WITHIN + ":\n" + log(members.indexOf(m)));
    }

    private void awaitExit(Member m, String signal) throws InterruptedException {
        if (!m.process.waitFor(EXIT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("etcd " + m.name + " did not exit within " + EXIT_WITHIN + " of " + signal + ":\n"
                    + log(members.indexOf(m)));
        }
    }

    private static void signal(Member m, String signal) {
        if (!m.process.isAlive()) {
            throw new IllegalStateException("etcd " + m.name + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(m.process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + m.process.pid() + ": " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + m.name, e);
        }
    }

    /** Ports free on loopback now, all different: each socket stays open until every one has been picked. */
    private static List<Integer> freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // the port is free again either way
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    @Override
    public String toString() {
        return "etcd cluster " + IntStream.range(0, members.size())
                .mapToObj(i -> members.get(i).name + "@" + members.get(i).clientUrl)
                .collect(Collectors.joining(", "));
    }

    /** One member: where it runs, its URLs and data, and its current process. */
    private static final class Member {
        final Place place;
        final String name;
        final String clientUrl;
        final String peerUrl;
        final Path dataDir;
        final Path logDir;
        final List<Path> logs = new ArrayList<>();
        Process process;

        Member(Place place, String name, String clientUrl, String peerUrl, Path dir) {
            this.place = place;
            this.name = name;
            this.clientUrl = clientUrl;
            this.peerUrl = peerUrl;
            this.dataDir = dir.resolve(name + ".etcd");
            this.logDir = dir;
        }
    }

    /** Where members run: how to start one, and how to ask one whether it is healthy. */
    private sealed interface Place permits Loopback, Inside {
        Process start(List<String> command, Path log);

        boolean healthy(String clientUrl);
    }

    /** This host's own network namespace, loopback addresses only. */
    private record Loopback() implements Place {
        @Override
        public Process start(List<String> command, Path log) {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(name -> name.startsWith("ETCD")); // flags alone configure it
            try {
                return builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start etcd (Debian package etcd-server)", e);
            }
        }

        @Override
        public boolean healthy(String clientUrl) {
            try {
                HttpURLConnection health =
                        (HttpURLConnection) URI.create(clientUrl + "/health").toURL().openConnection();
                health.setConnectTimeout(1000);
                health.setReadTimeout(1000);
                try (InputStream body = health.getInputStream()) {
                    return health.getResponseCode() == 200
                            && new String(body.readAllBytes(), StandardCharsets.UTF_8).contains("\"health\":\"true\"");
                } finally {
                    health.disconnect();
                }
            } catch (IOException e) {
                return false; // not listening yet, or no leader yet (503)
            }
        }
    }

    /** A test's network namespace; health is asked from inside it, where the member's address is reachable. */
    private record Inside(Netns namespace) implements Place {
        @Override
        public Process start(List<String> command, Path log) {
            return namespace.start(command, log).process();
        }

        @Override
        public boolean healthy(String clientUrl) {
            Netns.Result health = namespace.exec("curl", "-sf", "--max-time", "2", clientUrl + "/health");
            return health.ok() && health.output().contains("\"health\":\"true\"");
        }
    }
}
