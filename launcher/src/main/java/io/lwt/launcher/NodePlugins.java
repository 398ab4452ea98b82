package io.lwt.launcher;

import io.lwt.api.codec.Codec;
import io.lwt.api.routing.RoutingPolicy;
import io.lwt.api.transport.Transport;
import io.lwt.api.tun.TunDriver;
import io.lwt.core.ClientAuth;
import io.lwt.core.ClientNode;
import io.lwt.core.ClientSpec;
import io.lwt.core.HubAccess;
import io.lwt.core.HubNode;
import io.lwt.core.HubSpec;
import io.lwt.core.TunnelNode;
import java.io.IOException;
import java.util.List;

/** The plugin instances a node runs with, built (and so validated) from its selections. */
record NodePlugins(TunDriver tun, Transport transport, Codec codec, RoutingPolicy routing) {

    static NodePlugins of(Topology.NodeDefinition node, Providers providers) {
        NodePlugins plugins = new NodePlugins(
                providers.create(Providers.Kind.TUN, TunDriver.class, node.tun()),
                providers.create(Providers.Kind.TRANSPORT, Transport.class, node.transport()),
                providers.create(Providers.Kind.CODEC, Codec.class, node.codec()),
                node.isHub() ? providers.create(Providers.Kind.ROUTING, RoutingPolicy.class, node.routing()) : null);
        if (node.spec() instanceof ClientSpec client && client.auth() instanceof ClientAuth.Secure secure
                && secure.key() == null && !plugins.transport.encrypts()) {
            throw node.config().error("key", "missing; only a transport that authenticates this client (tls with a "
                    + "client certificate) can replace it");
        }
        return plugins;
    }

    /**
     * What a user should know about this combination: a legacy hub whose transport sends everything in the clear (the
     * secure protocol seals every message on any transport).
     */
    List<String> warnings(Topology.NodeDefinition node) {
        if (node.spec() instanceof HubSpec hub && hub.access() instanceof HubAccess.Legacy && !transport.encrypts()
                && !NodeSettings.INSECURE.read(node.config())) {
            return List.of(node.transport().location() + ": " + node.config().qualified("transport") + ": "
                    + node.transport().name() + " does not encrypt, and protocol legacy seals nothing: tunnel packets "
                    + "cross the network in the clear; use transport: tls, or set insecure: true to accept that");
        }
        return List.of();
    }

    TunnelNode start(Topology.NodeDefinition node) throws IOException {
        return switch (node.spec()) {
            case HubSpec hub -> HubNode.start(hub, tun, transport, codec, routing);
            case ClientSpec client -> ClientNode.start(client, tun, transport, codec);
            default -> throw new IllegalStateException("unknown node spec " + node.spec());
        };
    }
}
