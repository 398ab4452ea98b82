package io.lwt.transport.tls;

import io.lwt.cert.Credentials;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bouncycastle.tls.ProtocolVersion;

/**
 * A node's validated {@code tls} section.
 *
 * @param credentials this node's certificate and key: required to listen, presented to a hub that asks for one
 * @param serverName client: the SNI and expected name (default: the dialed host); hub: the only SNI it answers to
 * @param verifier client: how the hub's certificate is checked; empty on a node that only listens
 * @param alpn client: offered; hub: accepted, and then required
 * @param versions allowed TLS versions, newest first
 * @param clientAuthority hub: mutual TLS, when set
 * @param sendBuffer socket send buffer in bytes, 0 for the system's default
 * @param receiveBuffer socket receive buffer in bytes, 0 for the system's default
 */
record TlsSettings(Optional<Credentials> credentials, Optional<String> serverName, Optional<ServerVerifier> verifier,
        List<String> alpn, List<ProtocolVersion> versions, Optional<ClientAuthority> clientAuthority, int sendBuffer,
        int receiveBuffer) {

    TlsSettings {
        alpn = List.copyOf(alpn);
        versions = List.copyOf(versions);
    }

    ProtocolVersion[] protocolVersions() {
        return versions.toArray(ProtocolVersion[]::new);
    }

    static String describe(ProtocolVersion[] versions) {
        return versions == null || versions.length == 0 ? "none"
                : Arrays.stream(versions).map(ProtocolVersion::getName).collect(Collectors.joining(", "));
    }

    /** TCP_NODELAY (records are whole batches already) and the configured buffer sizes. */
    void configure(Socket socket) throws IOException {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (sendBuffer > 0) {
            socket.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
        }
        if (receiveBuffer > 0) {
            socket.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        }
    }
}
