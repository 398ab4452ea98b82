package io.lwt.launcher;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * What {@code lwt invite} hands a new client and {@code lwt join} reads: everything a client file needs, in one line
 * that survives copy and paste ({@code lwt1-} and base64url, no padding). The text is a secret: it holds the client's
 * pre-shared key, the one secret its handshake proves.
 *
 * <p>The bytes, in order: the name (one length byte, then ASCII), the hub's endpoint {@code host:port} (the same),
 * the hub's public key (32), the client's key (32), the MTU (two bytes, big-endian), and the first four bytes of the
 * SHA-256 of all of them, so that a token damaged in copying is refused rather than read as another key. Parsing is
 * strict: a short, long or damaged token is refused with one line saying which.
 *
 * @param name the client's name, as the hub knows it (also its file name in {@code clients.d})
 * @param endpoint where the client dials the hub, {@code host:port} or {@code [v6]:port}
 * @param hubKey the hub's public key, which the client pins
 * @param clientKey the client's pre-shared key
 * @param mtu the hub's MTU, which the client must share
 */
record InviteToken(String name, String endpoint, byte[] hubKey, byte[] clientKey, int mtu) {

    static final String PREFIX = "lwt1-";
    /** A client's name: what the hub logs and what names its file, so nothing a file system or shell reads twice. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern ENDPOINT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):[0-9]{1,5}");
    private static final int KEY = 32;
    private static final int CHECK = 4;

    InviteToken {
        require(NAME.matcher(name).matches(), "the name " + name + " is not 1-63 letters, digits and . _ - ");
        require(ENDPOINT.matcher(endpoint).matches() && port(endpoint) >= 1 && port(endpoint) <= 65535,
                "the endpoint " + endpoint + " is not host:port");
        require(hubKey.length == KEY && clientKey.length == KEY, "keys are 32 bytes");
        require(mtu >= io.lwt.api.tun.TunOptions.MIN_MTU && mtu <= io.lwt.api.tun.TunOptions.MAX_MTU,
                "the mtu " + mtu + " is out of range");
        hubKey = hubKey.clone();
        clientKey = clientKey.clone();
    }

    @Override
    public byte[] hubKey() {
        return hubKey.clone();
    }

    @Override
    public byte[] clientKey() {
        return clientKey.clone();
    }

    /** The one line to give to the client. */
    String text() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        field(bytes, name);
        field(bytes, endpoint);
        bytes.writeBytes(hubKey);
        bytes.writeBytes(clientKey);
        bytes.write(mtu >>> 8);
        bytes.write(mtu & 0xff);
        bytes.writeBytes(check(bytes.toByteArray()));
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
    }

    /**
     * Reads a token; white space inside it (a line broken by a mail client) is ignored. Throws
     * {@link IllegalArgumentException} with the reason, one line.
     */
    static InviteToken parse(String text) {
        String token = text.replaceAll("\\s", "");
        if (!token.startsWith(PREFIX)) {
            throw new IllegalArgumentException(token.matches("lwt[0-9]+-.*")
                    ? "this invitation was made by a newer lwt (it starts with " + token.substring(0, token.indexOf('-') + 1)
                            + "): update lwt on this machine"
                    : "not an lwt invitation: it starts with " + PREFIX);
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an lwt invitation: it is damaged (" + e.getMessage()
                    + "): copy the whole line again");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            String name = field(in);
            String endpoint = field(in);
            byte[] hubKey = bytes(in, KEY);
            byte[] clientKey = bytes(in, KEY);
            int mtu = Short.toUnsignedInt(in.getShort());
            byte[] check = bytes(in, CHECK);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("not an lwt invitation: " + in.remaining()
                        + " bytes too many at its end: copy exactly the line lwt invite printed");
            }
            if (!MessageDigest.isEqual(check, check(Arrays.copyOf(bytes, bytes.length - CHECK)))) {
                throw new IllegalArgumentException("the invitation is damaged: its checksum does not match: copy the"
                        + " whole line again");
            }
            return new InviteToken(name, endpoint, hubKey, clientKey, mtu);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("the invitation is truncated: copy the whole line lwt invite printed");
        }
    }

    @Override
    public String toString() {
        return "InviteToken[" + name + " -> " + endpoint + "]"; // never the key
    }

    private static void field(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private static String field(ByteBuffer in) {
        return new String(bytes(in, Byte.toUnsignedInt(in.get())), StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static byte[] check(byte[] bytes) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(bytes), CHECK);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new IllegalArgumentException("not a valid invitation: " + reason);
        }
    }
}
