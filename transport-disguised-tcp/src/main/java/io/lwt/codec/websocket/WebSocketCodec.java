package io.lwt.codec.websocket;

import io.lwt.api.Side;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.Framer;
import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;

/**
 * Codec {@code websocket}: the stream is a WebSocket connection (RFC 6455), so a tunnel passes HTTP reverse proxies
 * and looks like a web application's socket to anything that reads the start of a connection.
 *
 * <p>The client sends an HTTP/1.1 upgrade request ({@code GET path} with {@code Upgrade: websocket},
 * {@code Connection: Upgrade}, a random {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Version: 13}, its Host and
 * extra headers) and requires {@code 101 Switching Protocols} with the matching {@code Sec-WebSocket-Accept}. The
 * server answers a valid upgrade for its path with 101; any other well-formed request gets the configured error
 * status with a small HTML page, as a plain web server would, and bytes that are not HTTP at all get 400; either
 * way the connection then closes with a one-line reason. Each tunnel message is then one binary frame, masked from the
 * client; see {@link WebSocketFramer} for what is accepted on reading.
 *
 * @param path the request path the client asks for and the server accepts, e.g. {@code /}
 * @param host the client's Host header; empty for the dialed address
 * @param headers extra request headers of the client, e.g. {@code User-Agent}
 * @param errorStatus the server's status for requests that are not a valid upgrade (400 or 404)
 */
public record WebSocketCodec(String path, Optional<String> host, SequencedMap<String, String> headers, int errorStatus)
        implements Codec {

    /** Header names the handshake sets itself, so extra headers may not. */
    static final Set<String> RESERVED_HEADERS = Set.of("host", "upgrade", "connection",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol",
            "content-length", "transfer-encoding");

    public WebSocketCodec {
        checkPath(path);
        host.ifPresent(WebSocketCodec::checkHost);
        headers.forEach(WebSocketCodec::checkHeader);
        if (errorStatus != 400 && errorStatus != 404) {
            throw new IllegalArgumentException("expected 400 or 404, got " + errorStatus);
        }
        headers = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(headers));
    }

    static void checkPath(String path) {
        if (!path.startsWith("/") || !Handshake.isPathText(path)) {
            throw new IllegalArgumentException("expected a path starting with /, printable ASCII without spaces, got '"
                    + path + "'");
        }
    }

    static void checkHost(String host) {
        if (host.isEmpty() || host.contains(" ") || !Handshake.isFieldText(host)) {
            throw new IllegalArgumentException("expected a host name, optionally with :port, got '" + host + "'");
        }
    }

    static void checkHeader(String name, String value) {
        if (!HttpHead.isToken(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a header name");
        }
        if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(name + " is set by the WebSocket handshake itself");
        }
        if (!Handshake.isFieldText(value)) {
            throw new IllegalArgumentException("expected printable ASCII on one line");
        }
    }

    @Override
    public int headroom() {
        return WebSocketFramer.MAX_HEADER;
    }

    /** Room for a pong frame after a message: pings are answered with the next message sent. */
    @Override
    public int tailroom() {
        return WebSocketFramer.MAX_PONG_FRAME;
    }

    @Override
    public Framer open(Connection connection, Side side, int maxMessageLength, ByteBuffer inbound) throws IOException {
        if (side == Side.CLIENT) {
            Handshake.client(connection, inbound, path, host.orElseGet(() -> Handshake.hostOf(connection)), headers);
        } else {
            Handshake.server(connection, inbound, path, errorStatus);
        }
        return new WebSocketFramer(side, maxMessageLength);
    }
}
