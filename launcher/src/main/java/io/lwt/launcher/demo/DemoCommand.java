package io.lwt.launcher.demo;

import io.lwt.launcher.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A hub and two clients on this machine, each in its own network namespace, joined by veth links: starts the three
 * nodes from the embedded topology, measures ping RTT and iperf3 throughput between the clients through the hub and,
 * for reference, over the plain veth path through the hub's namespace, then removes everything.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "(root) Run a hub and two clients in network namespaces on this machine and print ping RTT "
                + "and throughput between the clients through the hub; everything is removed afterwards.")
public final class DemoCommand implements Callable<Integer> {

    private static final Duration UP_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> NODES = List.of("hub", "alice", "bob");
    private static final Pattern RTT = Pattern.compile("= ([\\d.]+)/([\\d.]+)/([\\d.]+)/");
    private static final Pattern RATE = Pattern.compile("([\\d.]+) ([KMG])bits/sec.*receiver");

    @Option(names = "--seconds", defaultValue = "5", description = "length of each throughput run (default 5)")
    int seconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String missing = missingPrerequisite();
        if (missing != null) {
            err.println("lwt demo: " + missing);
            return 1;
        }
        String prefix = "lwtdemo-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff)) + "-";
        Map<String, String> ns = Map.of("hub", prefix + "hub", "alice", prefix + "alice", "bob", prefix + "bob");
        Namespaces namespaces = new Namespaces();
        Thread cleanup = new Thread(namespaces::close, "lwt-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup); // Ctrl-C still removes everything
        List<Path> logs = new ArrayList<>();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lwt-demo");
            Path topology = dir.resolve("demo.yaml");
            try (InputStream in = DemoCommand.class.getResourceAsStream("demo.yaml")) {
                Files.write(topology, in.readAllBytes());
            }
            for (String client : List.of("alice", "bob")) {
                Keys.writeNew(dir.resolve(client + ".key"), Keys.generate());
            }
            out.println("creating namespaces " + String.join(", ", NODES.stream().map(ns::get).toList()));
            for (String name : NODES) {
                namespaces.add(ns.get(name));
            }
            namespaces.link(ns.get("hub"), "veth-alice", "10.99.1.1/24", ns.get("alice"), "veth-hub", "10.99.1.2/24");
            namespaces.link(ns.get("hub"), "veth-bob", "10.99.2.1/24", ns.get("bob"), "veth-hub", "10.99.2.2/24");
            // the raw reference path: alice and bob reach each other through the hub's namespace, untunnelled
            namespaces.exec(ns.get("hub"), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            namespaces.exec(ns.get("alice"), "ip", "route", "add", "10.99.2.0/24", "via", "10.99.1.1");
            namespaces.exec(ns.get("bob"), "ip", "route", "add", "10.99.1.0/24", "via", "10.99.2.1");

            long start = System.nanoTime();
            for (String name : NODES) {
                Path log = dir.resolve(name + ".log");
                logs.add(log);
                namespaces.start(ns.get(name), nodeCommand(topology, name), log);
                awaitLine(log, "tunnel up", name);
            }
            out.printf("three nodes up in %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());

            String ping = namespaces.exec(ns.get("alice"), "ping", "-c", "5", "-i", "0.2", "-W", "5", "10.0.0.3");
            Matcher rtt = RTT.matcher(ping);
            if (!rtt.find()) {
                throw new IOException("unexpected ping output: " + ping.strip());
            }
            double tunnel = throughput(namespaces, ns.get("alice"), ns.get("bob"), "10.0.0.3", dir.resolve("iperf-tunnel.log"));
            double raw = throughput(namespaces, ns.get("alice"), ns.get("bob"), "10.99.2.2", dir.resolve("iperf-raw.log"));
            out.println();
            out.printf("ping alice -> bob through the hub: rtt min/avg/max %s/%s/%s ms%n", rtt.group(1), rtt.group(2), rtt.group(3));
            out.printf("throughput alice -> bob through the hub: %.0f Mbit/s (iperf3, 1 TCP stream, %d s)%n", tunnel, seconds);
            out.printf("raw veth path alice -> bob via the hub namespace: %.0f Mbit/s; tunnel/raw = %.3f%n", raw, tunnel / raw);
            return 0;
        } catch (IOException | InterruptedException e) {
            err.println("lwt demo: " + e.getMessage());
            for (Path log : logs) {
                err.println("--- " + log.getFileName() + "\n" + Namespaces.read(log));
            }
            return 1;
        } finally {
            namespaces.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
            Namespaces.deleteDirectory(dir);
        }
    }

    /** iperf3 from one namespace to a server in another; returns the receiver's Mbit/s. */
    private double throughput(Namespaces namespaces, String from, String to, String address, Path serverLog)
            throws IOException, InterruptedException {
        namespaces.start(to, List.of("iperf3", "-s", "-1", "--forceflush"), serverLog);
        awaitLine(serverLog, "Server listening", "iperf3 server");
        String report = namespaces.exec(from, "iperf3", "-c", address, "-t", Integer.toString(seconds), "-f", "m");
        Matcher m = RATE.matcher(report);
        if (!m.find()) {
            throw new IOException("unexpected iperf3 output: " + report.strip());
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "K" -> value / 1000;
            case "G" -> value * 1000;
            default -> value;
        };
    }

    /**
     * This same program as a child process: the same java with the same JVM options (those before {@code -m}, which
     * include the module path when not running from the image), running one node.
     */
    private static List<String> nodeCommand(Path topology, String node) {
        ProcessHandle.Info self = ProcessHandle.current().info();
        List<String> command = new ArrayList<>();
        command.add(self.command().orElse("java"));
        for (String argument : self.arguments().orElse(new String[0])) {
            if (argument.equals("-m") || argument.equals("--module") || argument.startsWith("--module=")) {
                break;
            }
            command.add(argument);
        }
        command.addAll(List.of("-m", "io.lwt.launcher/io.lwt.launcher.Lwt", "run", topology.toString(), "--node", node,
                "--control", topology.resolveSibling(node + ".sock").toString()));
        return command;
    }

    private static void awaitLine(Path log, String text, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + UP_TIMEOUT.toNanos();
        while (!Namespaces.read(log).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new IOException(what + " did not report '" + text + "' within " + UP_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    private static String missingPrerequisite() {
        try {
            boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(line -> line.startsWith("Uid:") && line.split("\\s+")[2].equals("0"));
            if (!root) {
                return "needs root (it creates network namespaces and TUN devices)";
            }
        } catch (IOException e) {
            return "cannot tell whether this is root: " + e.getMessage();
        }
        for (String tool : List.of("ip", "ping", "iperf3")) {
            boolean found = System.getenv().getOrDefault("PATH", "/usr/bin:/bin").lines()
                    .flatMap(p -> List.of(p.split(":")).stream())
                    .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
            if (!found) {
                return "needs '" + tool + "' on the PATH (Debian: apt-get install "
                        + switch (tool) {
                            case "ip" -> "iproute2";
                            case "ping" -> "iputils-ping";
                            default -> tool;
                        } + ")";
            }
        }
        return null;
    }
}
