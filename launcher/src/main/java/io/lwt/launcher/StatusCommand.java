package io.lwt.launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Shows a running node's sessions and counters, read from its control socket. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running node's sessions: identity, tunnel address, remote endpoint, connected since, "
                + "rx/tx packets and bytes, and drops by reason.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NODE", arity = "0..1", description = "the node; its socket is /run/lwt/NODE.sock")
    String node;

    @Option(names = "--socket", paramLabel = "PATH", description = "the node's control socket (see lwt run --control)")
    Path socket;

    @Option(names = "--json", description = "print the status as JSON, for scripts (one document a line)")
    boolean json;

    @Option(names = "--watch", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "1",
            description = "refresh every SECONDS (default 1) until interrupted; the table is redrawn in place")
    Integer watch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (socket == null && node == null) {
            return Cli.fail(spec.commandLine().getErr(), new IllegalArgumentException("name a node or give --socket PATH"));
        }
        Path path = socket != null ? socket : ControlSocket.defaultPath(node);
        if (watch != null && watch < 1) {
            return Cli.fail(spec.commandLine().getErr(), new IllegalArgumentException("--watch: at least 1 second"));
        }
        try {
            do {
                String text;
                try {
                    text = ControlSocket.ask(path, "status");
                } catch (IOException e) {
                    return Cli.fail(spec.commandLine().getErr(), new IOException("cannot read the status from " + path
                            + ": " + e.getMessage()));
                }
                if (json) {
                    out.print(text);
                } else {
                    if (watch != null) {
                        out.print("\033[H\033[2J"); // home and clear: the table is redrawn in place
                    }
                    table(out, new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
                }
                out.flush(); // print() does not flush an auto-flushing writer, and main exits right after
                if (watch != null) {
                    Thread.sleep(watch * 1000L);
                }
            } while (watch != null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void table(PrintWriter out, Map<String, Object> status) {
        out.printf("%s (%s) at %s, reconnects %s%n", status.get("node"), status.get("role"), status.get("time"),
                status.get("reconnects"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> peers = (List<Map<String, Object>>) status.get("peers");
        // dual-stack addresses and IPv6 remotes are wider than the IPv4 ones the columns were sized for
        String format = "%-12s %-" + width(peers, "address", 15) + "s %-" + width(peers, "remote", 22)
                + "s %-24s %11s %13s %11s %11s %13s %11s %6s %9s %-11s %9s %6s%n";
        out.printf(format, "IDENTITY", "ADDRESS", "REMOTE", "SINCE", "RX PACKETS", "RX BYTES", "RX RATE", "TX PACKETS",
                "TX BYTES", "TX RATE", "QUEUED", "RTT", "CIPHER", "KEYS AGE", "REKEYS");
        for (Map<String, Object> p : peers) {
            out.printf(format, p.get("identity"), p.get("address"), p.get("remote"), p.get("since"), p.get("rxPackets"),
                    p.get("rxBytes"), rate(p.get("rxRate")), p.get("txPackets"), p.get("txBytes"), rate(p.get("txRate")),
                    p.get("queued"), p.get("rttMs") == null ? "-" : p.get("rttMs") + " ms",
                    p.get("cipher") == null ? "none" : p.get("cipher"),
                    p.get("handshakeAgeS") == null ? "-" : p.get("handshakeAgeS") + " s",
                    p.get("rekeys") == null ? "-" : p.get("rekeys"));
        }
        out.println("drops: " + (((Map<?, ?>) status.get("drops")).isEmpty() ? "none" : status.get("drops")));
        if (status.get("cluster") instanceof Map<?, ?> cluster) {
            out.printf("cluster: hub %s, %s; members %s; clients at %s%n", cluster.get("hub"),
                    Boolean.TRUE.equals(cluster.get("registered")) ? "registered" : "not registered (admits no client)",
                    cluster.get("members"), cluster.get("locations"));
        }
    }

    private static int width(List<Map<String, Object>> peers, String column, int least) {
        return peers.stream().mapToInt(p -> String.valueOf(p.get(column)).length()).reduce(least, Math::max);
    }

    /** Bytes per second as bits per second with a unit, as link speeds are written. */
    static String rate(Object bytesPerSecond) {
        double bits = ((Number) bytesPerSecond).doubleValue() * 8;
        if (bits >= 1e9) {
            return String.format("%.2f Gb/s", bits / 1e9);
        }
        if (bits >= 1e6) {
            return String.format("%.1f Mb/s", bits / 1e6);
        }
        return bits >= 1e3 ? String.format("%.1f kb/s", bits / 1e3) : String.format("%.0f b/s", bits);
    }
}
