package io.lwt.launcher;

import io.lwt.launcher.Setting.Scope;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * docs/configuration.md, generated from {@link NodeSettings}: the reference of every node key. The launcher's tests
 * fail when the committed file differs from what this makes, so the reference cannot drift from the code.
 */
final class ConfigurationReference {

    private ConfigurationReference() {}

    static String markdown() {
        StringBuilder md = new StringBuilder("""
                # Configuration reference

                <!-- Generated from launcher/src/main/java/io/lwt/launcher/NodeSettings.java: edit the table there, then
                     regenerate this file with
                     mvn -q verify -pl launcher -am -Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dlwt.regenerate=true -->

                A topology file describes one node with its keys at the top level, or several under `nodes:`, each named by
                its key, that inherit the keys of `defaults:` that apply to their role. Every error names the file, line,
                column and key (`lwt.yaml:12:9: nodes.hub.mtu: 70000 is out of range 576..65535`), and an unknown key gets a
                "did you mean". `lwt check FILE` validates a file, plugins' settings included, without root.

                Values: a duration is `500ms`, `10s`, `2m` or `1h` (a bare number is seconds); a size is in bytes; an
                address to listen on is `host:port`, `[v6]:port` or `:port` (every local address), an address to dial may
                name its host; a key that takes a list also takes a single value.

                The reload column says what `lwt reload NODE` (or SIGHUP) does with a changed value: *live* applies it,
                *restart* keeps the running value until the node restarts, and the reload names the key
                ([design.md](design.md#reload)). A hub's `clients:` entries are applied live, as part of `clients`; a
                client applies only `log-level`, and its `routes` are its hub's to apply, when the hub reloads a file that
                defines the client.

                | key | where | type | default | range | reload | what it does |
                |---|---|---|---|---|---|---|
                """);
        for (Setting<?> setting : NodeSettings.ALL) {
            md.append("| `").append(setting.key()).append("` | ")
                    .append(Arrays.stream(Scope.values()).filter(setting.scopes()::contains).map(s -> s.text)
                            .collect(Collectors.joining(", ")))
                    .append(" | ").append(cell(setting.type().name()))
                    .append(" | ").append(cell(setting.type().defaultText()))
                    .append(" | ").append(cell(setting.type().range()))
                    .append(" | ").append(setting.reload() == Setting.Reload.LIVE ? "live" : "restart")
                    .append(" | ").append(cell(setting.doc())).append(" |\n");
        }
        md.append("""

                A plugin is chosen by name, alone (`transport: tcp`) or with its own settings, which it checks itself
                (`transport: {tcp: {send-buffer: 4194304}}`). The built-in plugins' settings are in the
                [README](../README.md#a-topology-file), [tls.md](tls.md) and [codecs.md](codecs.md).
                """);
        return md.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
