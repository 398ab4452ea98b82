package io.lwt.core;

import io.lwt.api.IpPrefix;
import io.lwt.api.ProtocolException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session handshake, version 1. The hub speaks first with a fresh nonce; the client answers with its name, its
 * own nonce and a proof of its pre-shared key; the hub answers with the client's settings and its own proof, or a
 * reason for refusing:
 *
 * <pre>
 * CHALLENGE  version:u8  serverNonce:32
 * HELLO      version:u8  clientNonce:32  proof:32  nameLength:u8  name:utf-8
 *            (extensionType:u8  extensionLength:u8  value)*
 * WELCOME    version:u8  proof:32  address:4  prefix:u8  mtu:u16  keepaliveMs:u32  timeoutMs:u32
 *            routeCount:u8  (route:4 prefix:u8)*  (extensionType:u8  extensionLength:u8  value)*
 * REJECT     code:u8  textLength:u8  text:utf-8
 * </pre>
 *
 * WELCOME's extensions came later: a reader skips the types it does not know, and readers from before them stop
 * after the IPv4 routes, so a hub can send them to any client. Type 1 is the client's IPv6 address
 * ({@code address:16 prefix:u8}), type 2 an IPv6 route ({@code route:16 prefix:u8}, one per route), type 3 (empty)
 * says the hub takes {@link Messages#DATA_GSO}. HELLO's extensions likewise: type 1 (empty) says the client takes
 * {@link Messages#DATA_GSO}; hubs from before ignore what follows the name.
 *
 * Proofs are HMAC-SHA256 under the client's key over a label and both nonces, so the key never crosses the wire, a
 * recorded HELLO is useless against a new challenge, and the client knows the hub holds its key too. A client
 * without a key (one the transport authenticates with a certificate) sends zeros, and the hub answers with zeros.
 */
final class Handshake {

    static final int VERSION = 1;
    static final int NONCE = 32;
    static final int PROOF = 32;
    static final int MAX_NAME = 64;
    /** The most IPv4 routes in a WELCOME. */
    static final int MAX_ROUTES = 64;
    /** The most IPv6 routes in a WELCOME: with the IPv4 ones, at most 996 bytes, within IPv6's minimum MTU. */
    static final int MAX_IPV6_ROUTES = 32;
    private static final int IPV6_ADDRESS = 1;
    private static final int IPV6_ROUTE = 2;
    private static final int TAKES_SUPER_SEGMENTS = 3;
    private static final int HELLO_TAKES_SUPER_SEGMENTS = 1;
    private static final int IPV6_PREFIX = 16 + 1;
    private static final byte[] CLIENT_LABEL = "lwt1 client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HUB_LABEL = "lwt1 hub".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {}

    /** Why a hub refuses a client; permanent reasons make the client stop retrying. */
    enum RejectReason {
        VERSION(1, true),
        AUTHENTICATION(2, true),
        POOL_EXHAUSTED(3, false),
        BUSY(4, false),
        CONFLICT(5, false);

        final int code;
        final boolean permanent;

        RejectReason(int code, boolean permanent) {
            this.code = code;
            this.permanent = permanent;
        }

        static RejectReason of(int code) throws ProtocolException {
            for (RejectReason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            throw new ProtocolException("unknown reject code " + code);
        }
    }

    /** @param takesSuperSegments whether the client takes {@link Messages#DATA_GSO} */
    record Hello(byte[] clientNonce, byte[] proof, String name, boolean takesSuperSegments) {}

    /**
     * What a client learns from its hub.
     *
     * @param ipv6Address the client's IPv6 address, or null when the tunnel carries no IPv6 for it
     * @param routes networks of either family to route into the tunnel, at most {@link #MAX_ROUTES} IPv4 and
     *     {@link #MAX_IPV6_ROUTES} IPv6 ones
     * @param takesSuperSegments whether the hub takes {@link Messages#DATA_GSO}
     */
    record Welcome(byte[] proof, IpPrefix address, IpPrefix ipv6Address, int mtu, Duration keepalive, Duration timeout,
            List<IpPrefix> routes, boolean takesSuperSegments) {
        Welcome {
            routes = List.copyOf(routes);
            if (!address.isIpv4() || ipv6Address != null && ipv6Address.isIpv4()) {
                throw new IllegalArgumentException("welcome: an IPv4 address, then an IPv6 one or none");
            }
            long ipv6Routes = routes.stream().filter(r -> !r.isIpv4()).count();
            if (routes.size() - ipv6Routes > MAX_ROUTES || ipv6Routes > MAX_IPV6_ROUTES) {
                throw new IllegalArgumentException("welcome: at most " + MAX_ROUTES + " IPv4 and " + MAX_IPV6_ROUTES
                        + " IPv6 routes");
            }
        }
    }

    record Reject(RejectReason reason, String text) {}

    static byte[] nonce() {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** A pre-shared key checked for length and copied; null (no key) stays null. */
    static byte[] checkedKey(byte[] key, String owner) {
        if (key == null) {
            return null;
        }
        if (key.length < 16) {
            throw new IllegalArgumentException("key of " + owner + " is " + key.length + " bytes; at least 16 are needed");
        }
        return key.clone();
    }

    /** The client's proof; zeros without a key. */
    static byte[] clientProof(byte[] key, byte[] serverNonce, byte[] clientNonce, String name) {
        return key == null ? new byte[PROOF] : hmac(key, CLIENT_LABEL, serverNonce, clientNonce, name.getBytes(StandardCharsets.UTF_8));
    }

    /** The hub's proof; zeros without a key. */
    static byte[] hubProof(byte[] key, byte[] serverNonce, byte[] clientNonce) {
        return key == null ? new byte[PROOF] : hmac(key, HUB_LABEL, serverNonce, clientNonce);
    }

    /** Compares proofs in constant time. */
    static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    static void writeChallenge(ByteBuffer out, byte[] serverNonce) {
        out.put((byte) VERSION).put(serverNonce);
    }

    /** Returns the server nonce. */
    static byte[] readChallenge(ByteBuffer in) throws ProtocolException {
        checkVersion(in);
        return bytes(in, NONCE, "challenge");
    }

    static void writeHello(ByteBuffer out, Hello hello) {
        byte[] name = hello.name().getBytes(StandardCharsets.UTF_8);
        out.put((byte) VERSION).put(hello.clientNonce()).put(hello.proof()).put((byte) name.length).put(name);
        if (hello.takesSuperSegments()) {
            out.put((byte) HELLO_TAKES_SUPER_SEGMENTS).put((byte) 0);
        }
    }

    static Hello readHello(ByteBuffer in) throws ProtocolException {
        checkVersion(in);
        byte[] nonce = bytes(in, NONCE, "hello");
        byte[] proof = bytes(in, PROOF, "hello");
        int length = unsigned(in, "hello");
        if (length == 0 || length > MAX_NAME) {
            throw new ProtocolException("hello: name length " + length + " outside 1.." + MAX_NAME);
        }
        String name = new String(bytes(in, length, "hello"), StandardCharsets.UTF_8);
        boolean superSegments = false;
        while (in.hasRemaining()) {
            int type = unsigned(in, "hello");
            int extension = unsigned(in, "hello");
            if (in.remaining() < extension) {
                throw new ProtocolException("hello: truncated");
            }
            superSegments |= type == HELLO_TAKES_SUPER_SEGMENTS;
            in.position(in.position() + extension); // a later client's extension, or the flag's empty value
        }
        return new Hello(nonce, proof, name, superSegments);
    }

    static void writeWelcome(ByteBuffer out, Welcome w) {
        List<IpPrefix> ipv4Routes = w.routes().stream().filter(IpPrefix::isIpv4).toList();
        out.put((byte) VERSION).put(w.proof()).put(w.address().address().getAddress()).put((byte) w.address().prefixLength())
                .putShort((short) w.mtu()).putInt((int) w.keepalive().toMillis()).putInt((int) w.timeout().toMillis())
                .put((byte) ipv4Routes.size());
        for (IpPrefix route : ipv4Routes) {
            out.put(route.address().getAddress()).put((byte) route.prefixLength());
        }
        if (w.ipv6Address() != null) {
            writeIpv6(out, IPV6_ADDRESS, w.ipv6Address());
        }
        for (IpPrefix route : w.routes()) {
            if (!route.isIpv4()) {
                writeIpv6(out, IPV6_ROUTE, route);
            }
        }
        if (w.takesSuperSegments()) {
            out.put((byte) TAKES_SUPER_SEGMENTS).put((byte) 0);
        }
    }

    private static void writeIpv6(ByteBuffer out, int type, IpPrefix prefix) {
        out.put((byte) type).put((byte) IPV6_PREFIX).put(prefix.address().getAddress()).put((byte) prefix.prefixLength());
    }

    static Welcome readWelcome(ByteBuffer in) throws ProtocolException {
        checkVersion(in);
        byte[] proof = bytes(in, PROOF, "welcome");
        IpPrefix address = prefix(in);
        if (in.remaining() < 2 + 4 + 4 + 1) {
            throw new ProtocolException("welcome: truncated");
        }
        int mtu = Short.toUnsignedInt(in.getShort());
        Duration keepalive = Duration.ofMillis(Integer.toUnsignedLong(in.getInt()));
        Duration timeout = Duration.ofMillis(Integer.toUnsignedLong(in.getInt()));
        if (keepalive.isZero()) {
            throw new ProtocolException("welcome: keepalive 0s must be positive");
        }
        if (timeout.compareTo(keepalive) <= 0) {
            throw new ProtocolException("welcome: timeout " + Nodes.text(timeout) + " must be longer than keepalive "
                    + Nodes.text(keepalive));
        }
        int count = unsigned(in, "welcome");
        if (count > MAX_ROUTES) {
            throw new ProtocolException("welcome: " + count + " routes, at most " + MAX_ROUTES);
        }
        List<IpPrefix> routes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            routes.add(prefix(in));
        }
        IpPrefix ipv6Address = null;
        int ipv6Routes = 0;
        boolean superSegments = false;
        while (in.hasRemaining()) {
            int type = unsigned(in, "welcome");
            int length = unsigned(in, "welcome");
            if (in.remaining() < length) {
                throw new ProtocolException("welcome: truncated");
            }
            switch (type) {
                case IPV6_ADDRESS -> {
                    if (ipv6Address != null) {
                        throw new ProtocolException("welcome: two IPv6 addresses");
                    }
                    ipv6Address = ipv6Prefix(in, length);
                }
                case IPV6_ROUTE -> {
                    if (++ipv6Routes > MAX_IPV6_ROUTES) {
                        throw new ProtocolException("welcome: more than " + MAX_IPV6_ROUTES + " IPv6 routes");
                    }
                    routes.add(ipv6Prefix(in, length));
                }
                case TAKES_SUPER_SEGMENTS -> {
                    superSegments = true;
                    in.position(in.position() + length);
                }
                default -> in.position(in.position() + length); // a later hub's extension
            }
        }
        return new Welcome(proof, address, ipv6Address, mtu, keepalive, timeout, routes, superSegments);
    }

    private static IpPrefix ipv6Prefix(ByteBuffer in, int length) throws ProtocolException {
        if (length != IPV6_PREFIX) {
            throw new ProtocolException("welcome: an IPv6 extension of " + length + " bytes, not " + IPV6_PREFIX);
        }
        byte[] address = bytes(in, 16, "welcome");
        int prefixLength = unsigned(in, "welcome");
        if (prefixLength > 128) {
            throw new ProtocolException("welcome: invalid IPv6 prefix length " + prefixLength);
        }
        try {
            // Inet6Address even for an IPv4-mapped address, which InetAddress.getByAddress would turn into IPv4
            return new IpPrefix(Inet6Address.getByAddress(null, address, -1), prefixLength);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes are always an address
        }
    }

    static void writeReject(ByteBuffer out, Reject reject) {
        byte[] text = reject.text().getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 255);
        out.put((byte) reject.reason().code).put((byte) length).put(text, 0, length);
    }

    static Reject readReject(ByteBuffer in) throws ProtocolException {
        RejectReason reason = RejectReason.of(unsigned(in, "reject"));
        int length = unsigned(in, "reject");
        return new Reject(reason, new String(bytes(in, length, "reject"), StandardCharsets.UTF_8));
    }

    private static IpPrefix prefix(ByteBuffer in) throws ProtocolException {
        byte[] address = bytes(in, 4, "welcome");
        int length = unsigned(in, "welcome");
        try {
            InetAddress a = InetAddress.getByAddress(address);
            if (!(a instanceof Inet4Address) || length > 32) {
                throw new ProtocolException("welcome: invalid prefix length " + length);
            }
            return new IpPrefix(a, length);
        } catch (UnknownHostException e) {
            throw new ProtocolException("welcome: invalid address");
        }
    }

    private static void checkVersion(ByteBuffer in) throws ProtocolException {
        int version = unsigned(in, "handshake");
        if (version != VERSION) {
            throw new ProtocolException("handshake version " + version + " is not supported (this node speaks " + VERSION + ")");
        }
    }

    private static int unsigned(ByteBuffer in, String what) throws ProtocolException {
        if (!in.hasRemaining()) {
            throw new ProtocolException(what + ": truncated");
        }
        return Byte.toUnsignedInt(in.get());
    }

    private static byte[] bytes(ByteBuffer in, int n, String what) throws ProtocolException {
        if (in.remaining() < n) {
            throw new ProtocolException(what + ": truncated");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }
}
