/**
 * The {@code lwt} command: reads YAML topologies, discovers plugins with ServiceLoader and runs hub and client
 * nodes. The only module that knows picocli and SnakeYAML.
 */
module io.lwt.launcher {
    requires io.lwt.core;
    requires io.lwt.cert; // lwt cert and lwt init make certificates; the tls transport is a plugin like the others
    requires info.picocli;
    requires org.yaml.snakeyaml;
    requires jdk.httpserver;
    requires jdk.unsupported; // sun.misc.Signal: SIGHUP reloads, as daemons do

    uses io.lwt.api.tun.TunProvider;
    uses io.lwt.api.transport.TransportProvider;
    uses io.lwt.api.codec.CodecProvider;
    uses io.lwt.api.routing.RoutingProvider;
    uses io.lwt.api.cluster.ClusterStoreProvider;

    provides java.lang.System.LoggerFinder with io.lwt.launcher.LineLoggerFinder;

    opens io.lwt.launcher to info.picocli;
    opens io.lwt.launcher.demo to info.picocli;
}
