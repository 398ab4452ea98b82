package io.lwt.launcher.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's network namespaces and the processes it starts in them. Everything created here is removed by
 * {@link #close()}: processes by PID, then the namespaces (which takes their veth links and TUN devices along).
 */
final class Namespaces implements AutoCloseable {

    private final List<String> names = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    synchronized void add(String name) throws IOException {
        run("ip", "netns", "add", name);
        names.add(name);
        exec(name, "ip", "link", "set", "lo", "up");
    }

    /** A veth pair created directly inside the two namespaces, both ends addressed and up. */
    void link(String nsA, String devA, String addrA, String nsB, String devB, String addrB) throws IOException {
        run("ip", "link", "add", devA, "netns", nsA, "type", "veth", "peer", "name", devB, "netns", nsB);
        exec(nsA, "ip", "addr", "add", addrA, "dev", devA);
        exec(nsA, "ip", "link", "set", devA, "up");
        exec(nsB, "ip", "addr", "add", addrB, "dev", devB);
        exec(nsB, "ip", "link", "set", devB, "up");
    }

    /** Runs a command in a namespace to completion and returns its output; a non-zero exit is an error. */
    String exec(String ns, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Starts a command in a namespace, output to {@code log}. */
    synchronized Process start(String ns, List<String> command, Path log) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
        return output;
    }

    /** Stops the processes (SIGTERM, then SIGKILL after 5 s) and deletes the namespaces. Safe to call twice. */
    @Override
    public synchronized void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        processes.clear();
        for (String name : names) {
            try {
                run("ip", "netns", "del", name);
            } catch (IOException e) {
                System.err.println("lwt demo: " + e.getMessage());
            }
        }
        names.clear();
    }

    /** Removes the demo's working directory (topology, keys, logs); null means nothing was made. */
    static void deleteDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("lwt demo: cannot remove " + dir + ": " + e.getMessage());
        }
    }

    static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }
}
