package io.lwt.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A network namespace that a test creates and owns: commands and processes run inside it, veth links join it to
 * other namespaces, and {@link #close()} kills what it started (by PID) and deletes it, also after a failure.
 * Nothing here touches the root namespace's addresses or routes.
 */
public final class Netns implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);

    private final String name;
    private final List<Running> started = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    /** Creates a namespace named {@code lwt-<random>-<role>} with its loopback up. */
    public static Netns create(String role) {
        String name = "lwt-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff)) + "-" + role;
        run(List.of("ip", "netns", "add", name)).orThrow();
        Netns ns = new Netns(name);
        ns.exec("ip", "link", "set", "lo", "up").orThrow();
        return ns;
    }

    /**
     * Joins two namespaces with a veth pair created directly inside them, each end with an address and up. An IPv6
     * address skips duplicate address detection ({@code nodad}), so it is usable at once: the link is the test's alone.
     *
     * @param addressA e.g. {@code 10.99.1.1/24} or {@code fd99:1::1/64}
     */
    public static void link(Netns a, String deviceA, String addressA, Netns b, String deviceB, String addressB) {
        run(List.of("ip", "link", "add", deviceA, "netns", a.name, "type", "veth", "peer", "name", deviceB, "netns",
                b.name)).orThrow();
        a.exec(addAddress(addressA, deviceA)).orThrow();
        a.exec("ip", "link", "set", deviceA, "up").orThrow();
        b.exec(addAddress(addressB, deviceB)).orThrow();
        b.exec("ip", "link", "set", deviceB, "up").orThrow();
    }

    private static String[] addAddress(String address, String device) {
        return address.contains(":") ? new String[] {"ip", "addr", "add", address, "dev", device, "nodad"}
                : new String[] {"ip", "addr", "add", address, "dev", device};
    }

    public String name() {
        return name;
    }

    /** Runs a command inside this namespace to completion. */
    public Result exec(String... command) {
        return run(inside(List.of(command)));
    }

    /** Starts a long-running command inside this namespace, its output (both streams) going to {@code log}. */
    public Running start(List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(inside(command))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Running running = new Running(process, log);
            started.add(running);
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Starts a {@link DelayLine} between two interfaces of this namespace, which must route between them, and waits
     * until it forwards: from then on every packet between them takes {@code delay ± jitter} each way.
     */
    public Running startDelayLine(String interfaceA, String interfaceB, Duration delay, Duration jitter, Path log)
            throws InterruptedException {
        String classes;
        try {
            classes = Path.of(DelayLine.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Running line = start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classes, DelayLine.class.getName(), interfaceA, interfaceB,
                delay.toNanos() / 1e6 + "ms", jitter.toNanos() / 1e6 + "ms"), log);
        line.awaitLine(l -> l.startsWith(DelayLine.READY), Duration.ofSeconds(30), "the delay line");
        return line;
    }

    private List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /** Kills every process started here (by PID), then deletes the namespace. */
    @Override
    public void close() {
        for (Running r : started) {
            r.kill();
        }
        run(List.of("ip", "netns", "del", name));
    }

    private static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new Result(command, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    /** A finished command. */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        public Result orThrow() {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exitCode + ": " + output.strip());
            }
            return this;
        }
    }

    /** A process started inside a namespace; {@link #kill()} ends it by PID. */
    public static final class Running {
        private final Process process;
        private final Path log;

        Running(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        public long pid() {
            return process.pid();
        }

        public Process process() {
            return process;
        }

        public String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }

        /** Waits until the log has a line matching {@code condition}; fails with the log if it never comes. */
        public String awaitLine(Predicate<String> condition, Duration timeout, String what) throws InterruptedException {
            return awaitLines(condition, 1, timeout, what);
        }

        /** Waits until the log has {@code count} lines matching {@code condition}; returns the last of them. */
        public String awaitLines(Predicate<String> condition, int count, Duration timeout, String what)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                boolean alive = process.isAlive(); // read before the log, so a last line is not missed
                List<String> matching = log().lines().filter(condition).toList();
                if (matching.size() >= count) {
                    return matching.get(count - 1);
                }
                if (!alive) {
                    throw new AssertionError("process exited (" + process.exitValue() + ") before " + what + ":\n" + log());
                }
                Thread.sleep(20);
            }
            throw new AssertionError("timed out after " + timeout + " waiting for " + what + ":\n" + log());
        }

        /** Sends SIGTERM and waits for the exit code. */
        public int terminate(Duration timeout) throws InterruptedException {
            process.destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("did not exit within " + timeout + " of SIGTERM:\n" + log());
            }
            return process.exitValue();
        }

        void kill() {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
