package io.lwt.codec.websocket;

import io.lwt.api.ProtocolException;
import io.lwt.api.transport.Connection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** The opening handshake of RFC 6455, section 4, on both sides. */
final class Handshake {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {}

    /** Sends the upgrade request and checks the server's answer; leaves what followed it in {@code inbound}. */
    static void client(Connection connection, ByteBuffer inbound, String path, String host,
            Map<String, String> headers) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder request = new StringBuilder(256)
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        send(connection, request.append("\r\n").toString());

        HttpHead response = HttpHead.read(connection, inbound, "response");
        String[] status = response.startLine().split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new ProtocolException("not an HTTP response: '" + HttpHead.printable(response.startLine()) + "'");
        }
        if (!status[1].equals("101")) {
            throw new ProtocolException("the server answered '" + HttpHead.printable(status[1]
                    + (status.length > 2 ? " " + status[2] : "")) + "' to the WebSocket upgrade of " + path);
        }
        if (!response.hasToken("Upgrade", "websocket") || !response.hasToken("Connection", "upgrade")) {
            throw new ProtocolException("101 response without Upgrade: websocket and Connection: Upgrade");
        }
        String expected = accept(key);
        Optional<String> accept = response.single("Sec-WebSocket-Accept");
        if (accept.isEmpty() || !accept.get().equals(expected)) {
            throw new ProtocolException("wrong Sec-WebSocket-Accept '" + HttpHead.printable(accept.orElse(""))
                    + "', expected '" + expected + "'");
        }
        for (String unasked : new String[] {"Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol"}) {
            if (response.has(unasked)) {
                throw new ProtocolException("the server chose a " + unasked + " the client did not offer");
            }
        }
    }

    /**
     * Reads and checks the upgrade request and answers 101; anything else gets an ordinary HTTP error and a
     * {@link ProtocolException} naming what was wrong.
     */
    static void server(Connection connection, ByteBuffer inbound, String path, int errorStatus) throws IOException {
        HttpHead request;
        try {
            request = HttpHead.read(connection, inbound, "request");
        } catch (ProtocolException e) {
            refuse(connection, 400, false);
            throw e;
        }
        String[] line = request.startLine().split(" ", -1);
        if (line.length != 3 || !HttpHead.isToken(line[0]) || !line[2].matches("HTTP/\\d\\.\\d")) {
            refuse(connection, 400, false);
            throw new ProtocolException("malformed HTTP request line '" + HttpHead.printable(request.startLine()) + "'");
        }
        String problem;
        try {
            problem = upgradeProblem(request, line, path);
        } catch (ProtocolException e) {
            problem = e.getMessage(); // a repeated header
        }
        if (problem != null) {
            refuse(connection, errorStatus, line[0].equals("HEAD"));
            throw new ProtocolException("not a WebSocket upgrade: " + problem);
        }
        send(connection, "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(request.single("Sec-WebSocket-Key").orElseThrow()) + "\r\n"
                + "\r\n");
    }

    /** What makes a well-formed request not an upgrade to this codec, or null if it is one. */
    private static String upgradeProblem(HttpHead request, String[] line, String path) throws ProtocolException {
        String target = line[1];
        int query = target.indexOf('?');
        String requested = query < 0 ? target : target.substring(0, query);
        if (!line[0].equals("GET")) {
            return "method " + HttpHead.printable(line[0]) + " " + HttpHead.printable(target);
        }
        if (!requested.equals(path)) {
            return "path " + HttpHead.printable(requested) + " is not " + path;
        }
        if (!line[2].equals("HTTP/1.1")) {
            return "version " + line[2] + ", not HTTP/1.1";
        }
        if (!request.has("Host")) {
            return "no Host header";
        }
        if (!request.hasToken("Upgrade", "websocket")) {
            return "no Upgrade: websocket header";
        }
        if (!request.hasToken("Connection", "upgrade")) {
            return "no Connection: Upgrade header";
        }
        Optional<String> version = request.single("Sec-WebSocket-Version");
        if (version.isEmpty() || !version.get().equals("13")) {
            return "Sec-WebSocket-Version '" + HttpHead.printable(version.orElse("")) + "', not 13";
        }
        Optional<String> key = request.single("Sec-WebSocket-Key");
        if (key.isEmpty() || !isNonce(key.get())) {
            return "Sec-WebSocket-Key '" + HttpHead.printable(key.orElse("")) + "' is not 16 bytes in base64";
        }
        return null;
    }

    private static boolean isNonce(String key) {
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** An error page like a plain web server's; a peer that is already gone does not matter. */
    private static void refuse(Connection connection, int status, boolean headOnly) {
        String title = status + (status == 404 ? " Not Found" : " Bad Request");
        String body = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                + "</h1></center>\r\n</body>\r\n</html>\r\n";
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        try {
            send(connection, "HTTP/1.1 " + title + "\r\n"
                    + "Date: " + date + "\r\n"
                    + "Content-Type: text/html\r\n"
                    + "Content-Length: " + body.length() + "\r\n"
                    + "Connection: close\r\n"
                    + "\r\n"
                    + (headOnly ? "" : body));
        } catch (IOException e) {
            // the reason to close is the request, not the failed answer
        }
    }

    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }

    /** The Host header for a dialed address: the name or address as dialed, with the port unless it is 80. */
    static String hostOf(Connection connection) {
        InetSocketAddress remote = connection.remoteAddress();
        String host = remote.getHostString();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return remote.getPort() == 80 ? host : host + ":" + remote.getPort();
    }

    /** Printable ASCII and no spaces: what a request target may hold here. */
    static boolean isPathText(String s) {
        return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** A header value on one line: printable ASCII and spaces. */
    static boolean isFieldText(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    private static void send(Connection connection, String text) throws IOException {
        connection.write(new ByteBuffer[] {ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1))}, 0, 1);
    }
}
