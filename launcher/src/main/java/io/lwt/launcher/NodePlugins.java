package io.lwt.launcher;

import io.lwt.api.ConfigException;
import io.lwt.api.cluster.ClusterStore;
import io.lwt.api.codec.Codec;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.api.transport.Transport;
import io.lwt.api.tun.TunDriver;
import io.lwt.core.ClientAuth;
import io.lwt.core.ClientNode;
import io.lwt.core.ClientSpec;
import io.lwt.core.ClusterSettings;
import io.lwt.core.HubAccess;
import io.lwt.core.HubNode;
import io.lwt.core.HubSpec;
import io.lwt.core.TunnelNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The plugin instances a node runs with, built (and so validated) from its selections.
 *
 * @param transports in the order of the node's {@code transport:} list
 * @param cluster a hub's cluster store, which connects to nothing until the hub starts; null without one
 */
record NodePlugins(TunDriver tun, List<Transport> transports, Codec codec, RoutingPolicy routing, ClusterStore cluster) {

    static NodePlugins of(Topology.NodeDefinition node, Providers providers) {
        List<Transport> transports = new ArrayList<>();
        for (Selection selection : node.transports()) {
            transports.add(providers.create(Providers.Kind.TRANSPORT, Transport.class, selection));
        }
        NodePlugins plugins = new NodePlugins(
                providers.create(Providers.Kind.TUN, TunDriver.class, node.tun()),
                List.copyOf(transports),
                providers.create(Providers.Kind.CODEC, Codec.class, node.codec()),
                node.isHub() ? providers.create(Providers.Kind.ROUTING, RoutingPolicy.class, node.routing()) : null,
                node.cluster().map(c -> providers.create(Providers.Kind.CLUSTER, ClusterStore.class, c)).orElse(null));
        plugins.checkTransports(node);
        if (node.spec() instanceof ClientSpec client && client.auth() instanceof ClientAuth.Secure secure
                && secure.key() == null && !plugins.transports.stream().allMatch(Transport::encrypts)) {
            throw node.config().error("key", "missing; only a transport that authenticates this client (tls with a "
                    + "client certificate) can replace it");
        }
        return plugins;
    }

    /**
     * A hub listens with every transport at one port: one over TCP and one over UDP at most. Datagrams carry the
     * secure protocol's sealed messages whole, so a disguise codec (which frames a byte stream) and legacy mode (the
     * original program's TCP framing) do not go with them.
     */
    private void checkTransports(Topology.NodeDefinition node) {
        for (int i = 0; i < transports.size(); i++) {
            Selection selection = node.transports().get(i);
            boolean datagrams = transports.get(i).carriesDatagrams();
            if (node.isHub()) {
                for (int j = 0; j < i; j++) {
                    if (transports.get(j).carriesDatagrams() == datagrams) {
                        throw new ConfigException(selection.location(), node.config().qualified("transport")
                                + ": " + node.transports().get(j).name() + " and " + selection.name() + " would both "
                                + "listen on " + (datagrams ? "UDP" : "TCP") + " port "
                                + ((HubSpec) node.spec()).listen().getPort() + "; a hub takes one transport over TCP "
                                + "and one over UDP");
                    }
                }
            }
            if (!datagrams) {
                continue;
            }
            if (!node.codec().name().equals(NodeSettings.DEFAULT_CODEC)) {
                throw node.config().error("codec", node.codec().name() + " frames a byte stream, and transport "
                        + selection.name() + " carries datagrams, which nothing frames or disguises: leave codec at "
                        + NodeSettings.DEFAULT_CODEC + ", or drop " + selection.name());
            }
            if (NodeSettings.LEGACY.read(node.config())) {
                throw new ConfigException(selection.location(), node.config().qualified("transport") + ": "
                        + selection.name() + " carries datagrams, and protocol legacy speaks the original program's "
                        + "TCP stream: use tcp or tls");
            }
        }
    }

    /**
     * What a user should know about this combination: a legacy hub whose transport sends everything in the clear (the
     * secure protocol seals every message on any transport).
     */
    List<String> warnings(Topology.NodeDefinition node) {
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < transports.size(); i++) {
            Selection selection = node.transports().get(i);
            if (node.spec() instanceof HubSpec hub && hub.access() instanceof HubAccess.Legacy
                    && !transports.get(i).encrypts() && !NodeSettings.INSECURE.read(node.config())) {
                warnings.add(selection.location() + ": " + node.config().qualified("transport") + ": "
                        + selection.name() + " does not encrypt, and protocol legacy seals nothing: tunnel packets "
                        + "cross the network in the clear; use transport: tls, or set insecure: true to accept that");
            }
        }
        return warnings;
    }

    TunnelNode start(Topology.NodeDefinition node) throws IOException {
        return switch (node.spec()) {
            case HubSpec hub -> HubNode.start(hub, tun, transports, codec, routing, cluster == null ? null
                    : new ClusterSettings(cluster, Topology.clusterEndpoint(node.config(), hub.listen())));
            case ClientSpec client -> ClientNode.start(client, tun, transports, codec);
            default -> throw new IllegalStateException("unknown node spec " + node.spec());
        };
    }
}
