package io.lwt.codec.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import io.lwt.api.ConfigValue;
import io.lwt.api.ProtocolException;
import io.lwt.api.Side;
import io.lwt.api.codec.Framer;
import io.lwt.testsupport.CodecTestKit;
import io.lwt.testsupport.MemoryConnection;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WebSocketCodecTest {

    private static final int MAX = 1 + 1400;
    private final WebSocketCodec codec = new WebSocketCodec("/tunnel", Optional.empty(),
            new LinkedHashMap<>(Map.of("User-Agent", "Mozilla/5.0")), 404);

    @Test
    void passesTheCodecTestKit() throws Exception {
        CodecTestKit.check(codec, MAX, 1);
        CodecTestKit.check(codec, 65536, 2);
    }

    @Test
    void framesThatArriveWithThe101StayInTheReceiveBuffer() throws Exception {
        CodecTestKit.Opened opened = CodecTestKit.open(codec, MAX, MAX, List.of(new byte[] {1, 2, 3}));
        try (var pair = opened.connections()) {
            assertEquals("8203010203", HexFormat.of().formatHex(opened.clientInbound().array(), 0,
                    opened.clientInbound().position()), "the server's first frame, after the 101");
        }
    }

    @Test
    void theAcceptKeyIsTheRfcExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Handshake.accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void theClientSendsAnUpgradeRequestWithItsHostAndHeaders() throws Exception {
        try (MemoryConnection.Pair pair = MemoryConnection.pair()) {
            CompletableFuture<Framer> client = openLater(codec, pair.client(), Side.CLIENT);
            String request = readHead(pair.server());
            List<String> lines = List.of(request.split("\r\n"));
            assertEquals("GET /tunnel HTTP/1.1", lines.get(0));
            assertTrue(lines.contains("Host: server:9000"), request);
            assertTrue(lines.contains("Upgrade: websocket"), request);
            assertTrue(lines.contains("Connection: Upgrade"), request);
            assertTrue(lines.contains("Sec-WebSocket-Version: 13"), request);
            assertTrue(lines.contains("User-Agent: Mozilla/5.0"), request);
            String key = lines.stream().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst().orElseThrow()
                    .substring(19);
            assertEquals(16, java.util.Base64.getDecoder().decode(key).length);
            pair.server().writeRaw(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theClientRefusesAnythingButTheRight101() throws Exception {
        assertClientRefuses("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
                "the server answered '404 Not Found' to the WebSocket upgrade of /tunnel");
        assertClientRefuses("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZK+YgH2s=\r\n\r\n", "wrong Sec-WebSocket-Accept");
        assertClientRefuses("SSH-2.0-OpenSSH_9.2\r\n\r\n", "not an HTTP response: 'SSH-2.0-OpenSSH_9.2'");
    }

    private void assertClientRefuses(String response, String message) throws Exception {
        try (MemoryConnection.Pair pair = MemoryConnection.pair()) {
            CompletableFuture<Framer> client = openLater(codec, pair.client(), Side.CLIENT);
            readHead(pair.server());
            pair.server().writeRaw(response.getBytes(StandardCharsets.US_ASCII));
            Throwable e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> client.get(10, TimeUnit.SECONDS)).getCause();
            assertTrue(e instanceof ProtocolException && e.getMessage().startsWith(message), String.valueOf(e));
        }
    }

    @Test
    void theServerAnswersBadRequestsLikeAPlainWebServerAndSaysWhy() throws Exception {
        String upgrade = "Host: hub\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        assertServerRefuses(codec, "GET / HTTP/1.1\r\n" + upgrade, 404, "not a WebSocket upgrade: path / is not /tunnel");
        assertServerRefuses(codec, "GET /tunnel HTTP/1.1\r\nHost: hub\r\nUser-Agent: curl/8\r\n\r\n", 404,
                "not a WebSocket upgrade: no Upgrade: websocket header");
        assertServerRefuses(codec, "POST /tunnel HTTP/1.1\r\n" + upgrade, 404,
                "not a WebSocket upgrade: method POST /tunnel");
        assertServerRefuses(codec, "GET /tunnel HTTP/1.1\r\n" + upgrade.replace("13", "8"), 404,
                "not a WebSocket upgrade: Sec-WebSocket-Version '8', not 13");
        assertServerRefuses(codec, "GET /tunnel HTTP/1.1\r\n" + upgrade.replace("Upgrade\r\n", "close\r\n"), 404,
                "not a WebSocket upgrade: no Connection: Upgrade header");
        assertServerRefuses(codec, "GET /tunnel HTTP/1.1\r\n" + upgrade.replace("dGhlIHNhbXBsZSBub25jZQ==", "short"),
                404, "not a WebSocket upgrade: Sec-WebSocket-Key 'short' is not 16 bytes in base64");
        WebSocketCodec status400 = new WebSocketCodec("/", Optional.empty(), new LinkedHashMap<>(), 400);
        assertServerRefuses(status400, "GET /x HTTP/1.1\r\nHost: hub\r\n\r\n", 400,
                "not a WebSocket upgrade: path /x is not /");
    }

    @Test
    void bytesThatAreNotHttpGet400AtOnce() throws Exception {
        assertServerRefuses(codec, "\0\0\0\5hello", 400, "not an HTTP request: byte 0x00 at offset 0");
        assertServerRefuses(codec, "GET /tunnel\r\n\r\n", 400, "malformed HTTP request line 'GET /tunnel'");
        assertServerRefuses(codec, "GET /tunnel HTTP/1.1\r\nHost hub\r\n\r\n", 400,
                "malformed HTTP request header line 'Host hub'");
    }

    @Test
    void aRequestHeadLongerThan8KiBIsRefusedWithoutReadingOn() throws Exception {
        String endless = "GET /tunnel HTTP/1.1\r\nCookie: " + "a".repeat(20_000);
        assertServerRefuses(codec, endless, 400, "HTTP request head longer than 8192 bytes");
    }

    @Test
    void aPeerThatClosesMidRequestEndsTheOpenWithoutAHang() throws Exception {
        try (MemoryConnection.Pair pair = MemoryConnection.pair()) {
            CompletableFuture<Framer> server = openLater(codec, pair.server(), Side.SERVER);
            pair.client().writeRaw("GET /tunnel HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            pair.client().close();
            Throwable e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> server.get(10, TimeUnit.SECONDS)).getCause();
            assertEquals(EOFException.class, e.getClass());
            assertEquals("connection closed before the end of the HTTP request (22 bytes)", e.getMessage());
        }
    }

    private static void assertServerRefuses(WebSocketCodec codec, String request, int status, String message)
            throws Exception {
        try (MemoryConnection.Pair pair = MemoryConnection.pair()) {
            CompletableFuture<Framer> server = openLater(codec, pair.server(), Side.SERVER);
            pair.client().writeRaw(request.getBytes(StandardCharsets.ISO_8859_1));
            String response = readHead(pair.client());
            assertTrue(response.startsWith("HTTP/1.1 " + status + (status == 404 ? " Not Found" : " Bad Request")),
                    response);
            assertTrue(response.contains("\r\nContent-Type: text/html\r\n"), response);
            Throwable e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> server.get(10, TimeUnit.SECONDS)).getCause();
            assertEquals(ProtocolException.class, e.getClass(), String.valueOf(e));
            assertEquals(message, e.getMessage());
        }
    }

    @Test
    void aServerSendsUnmaskedBinaryFramesAndAClientMasksItsOwn() throws Exception {
        Framer server = new WebSocketFramer(Side.SERVER, 70000);
        Framer client = new WebSocketFramer(Side.CLIENT, 70000);
        assertEquals("8203010203", HexFormat.of().formatHex(CodecTestKit.encode(codec, server, new byte[] {1, 2, 3})));
        byte[] large = new byte[300];
        assertEquals("827e012c", HexFormat.of().formatHex(CodecTestKit.encode(codec, server, large), 0, 4));
        byte[] huge = new byte[65536];
        assertEquals("827f0000000000010000", HexFormat.of().formatHex(CodecTestKit.encode(codec, server, huge), 0, 10));

        byte[] message = "a message of some length".getBytes(StandardCharsets.US_ASCII);
        byte[] masked = CodecTestKit.encode(codec, client, message);
        assertEquals(0x82, masked[0] & 0xff);
        assertEquals(0x80 | message.length, masked[1] & 0xff, "mask bit and length");
        for (int i = 0; i < message.length; i++) {
            assertEquals(message[i], (byte) (masked[6 + i] ^ masked[2 + (i & 3)]), "byte " + i + " unmasks");
        }
        assertArrayEquals(message, decodeAll(server, masked).getFirst());
    }

    @Test
    void eachSideRejectsTheOtherMasking() {
        WebSocketFramer server = new WebSocketFramer(Side.SERVER, MAX);
        WebSocketFramer client = new WebSocketFramer(Side.CLIENT, MAX);
        ProtocolException e = assertThrows(ProtocolException.class, () -> decodeAll(server, bytes("820101")));
        assertEquals("unmasked frame from the client", e.getMessage());
        e = assertThrows(ProtocolException.class, () -> decodeAll(client, bytes("82810000000001")));
        assertEquals("masked frame from the server", e.getMessage());
    }

    @Test
    void fragmentsWithAPingBetweenThemMakeOneMessageAndThePingIsAnsweredAfterTheNextMessage() throws Exception {
        WebSocketFramer client = new WebSocketFramer(Side.CLIENT, MAX);
        // binary "ab" not final, ping "hi", continuation "c" final
        List<byte[]> messages = decodeAll(client, bytes("02026162" + "89026869" + "800163"));
        assertEquals(1, messages.size());
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), messages.getFirst());

        byte[] wire = CodecTestKit.encode(codec, client, new byte[] {7});
        assertEquals(6 + 1 + 6 + 2, wire.length, "the message's frame, then a pong");
        assertEquals(0x8a, wire[7] & 0xff, "pong");
        assertEquals(0x82, wire[8] & 0xff, "masked, 2 bytes");
        assertEquals('h', (byte) (wire[13] ^ wire[9]));
        assertEquals('i', (byte) (wire[14] ^ wire[10]));
        assertEquals(7, CodecTestKit.encode(codec, client, new byte[] {7}).length, "answered once");
    }

    @Test
    void pongsAreIgnored() throws Exception {
        assertTrue(decodeAll(new WebSocketFramer(Side.CLIENT, MAX), bytes("8a0161")).isEmpty());
    }

    @Test
    void aCloseFrameEndsTheSessionWithItsCodeAndReason() {
        EOFException e = assertThrows(EOFException.class,
                () -> decodeAll(new WebSocketFramer(Side.CLIENT, MAX), bytes("880503e9627965")));
        assertEquals("WebSocket closed by the peer: 1001 (going away) 'bye'", e.getMessage());
        e = assertThrows(EOFException.class,
                () -> decodeAll(new WebSocketFramer(Side.CLIENT, MAX), bytes("88020fa0")));
        assertEquals("WebSocket closed by the peer: 4000", e.getMessage(), "an application's code");
    }

    @Test
    void malformedFramesAreProtocolErrors() {
        assertRejects("810161", "text frame; the tunnel sends binary frames");
        assertRejects("c20161", "frame with reserved bits 0x40 (no extension was negotiated)");
        assertRejects("830161", "reserved opcode 0x3");
        assertRejects("800161", "continuation frame without a message to continue");
        assertRejects("090161", "fragmented control frame");
        assertRejects("897e0080", "control frame longer than 125 bytes");
        assertRejects("8200", "empty message");
        assertRejects("880161", "close frame with a 1-byte payload");
        assertRejects("8802f125", "close frame with the invalid status code 61733");
        assertRejects("880403e8c328", "close frame whose reason is not UTF-8");
        assertRejects("827f8000000000000000", "message of 9223372036854775808 bytes, more than the limit of "
                + MAX);
        assertRejects("827e057a", "message of 1402 bytes, more than the limit of " + MAX);
        assertRejects("0201" + "61" + "0201" + "62", "new message before the fragmented one ended");
        assertRejects("027e0578" + "00".repeat(1400) + "00020102", "message of 1402 bytes, more than the limit of "
                + MAX);
    }

    /** A fresh client's framer must reject these bytes from the server with this message. */
    private static void assertRejects(String hex, String message) {
        Framer client = new WebSocketFramer(Side.CLIENT, MAX);
        ProtocolException e = assertThrows(ProtocolException.class, () -> decodeAll(client, bytes(hex)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void readsTheYamlKeys() {
        Config headers = Config.builder("codec.websocket.headers", Config.Location.of("f"))
                .put("User-Agent", "curl/8.0").build();
        Config config = Config.builder("codec.websocket", Config.Location.of("f"))
                .put("path", "/ws").put("host", "example.org").put("headers", headers).put("status", "400").build();
        WebSocketCodec created = (WebSocketCodec) new WebSocketCodecProvider().create(config);
        assertEquals(new WebSocketCodec("/ws", Optional.of("example.org"),
                new LinkedHashMap<>(Map.of("User-Agent", "curl/8.0")), 400), created);
        WebSocketCodec defaults = (WebSocketCodec) new WebSocketCodecProvider()
                .create(Config.empty("codec.websocket", Config.Location.of("f")));
        assertEquals(new WebSocketCodec("/", Optional.empty(), new LinkedHashMap<>(), 404), defaults);
    }

    @Test
    void rejectsBadKeysWithTheirPlace() {
        assertConfigError(Config.builder("codec.websocket", Config.Location.of("f")).put("paht", "/").build(),
                "f: codec.websocket.paht: unknown key (did you mean 'path'?)");
        assertConfigError(Config.builder("codec.websocket", Config.Location.of("f")).put("status", "401").build(),
                "f: codec.websocket.status: expected 400 or 404, got 401");
        assertConfigError(Config.builder("codec.websocket", Config.Location.of("f")).put("path", "ws").build(),
                "f: codec.websocket.path: expected a path starting with /, printable ASCII without spaces, got 'ws'");
        Config headers = Config.builder("codec.websocket.headers", Config.Location.of("f"))
                .put("Upgrade", "h2c").build();
        assertConfigError(Config.builder("codec.websocket", Config.Location.of("f")).put("headers", headers).build(),
                "f: codec.websocket.headers.Upgrade: Upgrade is set by the WebSocket handshake itself");
        assertConfigError(Config.builder("codec.websocket", Config.Location.of("f"))
                .put("headers", new ConfigValue.Scalar("x", Config.Location.of("f"))).build(),
                "f: codec.websocket.headers: expected a mapping of keys to values");
    }

    private static void assertConfigError(Config config, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> new WebSocketCodecProvider().create(config));
        assertEquals(message, e.getMessage());
    }

    private static CompletableFuture<Framer> openLater(WebSocketCodec codec, MemoryConnection end, Side side) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return codec.open(end, side, MAX, ByteBuffer.allocate(65536));
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    /** Reads an HTTP head (up to the empty line) from the other end, byte by byte. */
    private static String readHead(MemoryConnection end) throws IOException {
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString().endsWith("\r\n\r\n")) {
            if (end.read(one.clear()) < 0) {
                throw new EOFException("closed after " + head);
            }
            head.append((char) (one.get(0) & 0xff));
        }
        return head.toString();
    }

    private static List<byte[]> decodeAll(Framer framer, byte[] wire) throws IOException {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer inbound = ByteBuffer.wrap(wire);
        framer.decode(inbound, m -> {
            byte[] copy = new byte[m.remaining()];
            m.get(m.position(), copy);
            out.add(copy);
        });
        assertEquals(wire.length, inbound.position(), "everything decoded");
        return out;
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
