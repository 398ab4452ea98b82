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

    @Option(names = "--json", description = "print the status as JSON, for scripts")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (socket == null && node == null) {
            return Cli.fail(spec.commandLine().getErr(), new IllegalArgumentException("name a node or give --socket PATH"));
        }
        Path path = socket != null ? socket : ControlSocket.defaultPath(node);
        String text;
        try {
            text = ControlSocket.ask(path, "status");
        } catch (IOException e) {
            return Cli.fail(spec.commandLine().getErr(), new IOException("cannot read the status from " + path + ": "
                    + e.getMessage()));
        }
        if (json) {
            out.print(text);
            out.flush(); // print() does not flush an auto-flushing writer, and main exits right after
            return 0;
        }
        Map<String, Object> status = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        out.printf("%s (%s) at %s%n", status.get("node"), status.get("role"), status.get("time"));
        String format = "%-12s %-15s %-22s %-24s %12s %14s %12s %14s%n";
        out.printf(format, "IDENTITY", "ADDRESS", "REMOTE", "SINCE", "RX PACKETS", "RX BYTES", "TX PACKETS", "TX BYTES");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> peers = (List<Map<String, Object>>) status.get("peers");
        for (Map<String, Object> p : peers) {
            out.printf(format, p.get("identity"), p.get("address"), p.get("remote"), p.get("since"), p.get("rxPackets"),
                    p.get("rxBytes"), p.get("txPackets"), p.get("txBytes"));
        }
        out.println("drops: " + (((Map<?, ?>) status.get("drops")).isEmpty() ? "none" : status.get("drops")));
        return 0;
    }
}
