package io.lwt.codec.websocket;

import io.lwt.api.ProtocolException;
import io.lwt.api.Side;
import io.lwt.api.codec.Framer;
import io.lwt.api.codec.MessageSink;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * WebSocket framing (RFC 6455, section 5) of one connection. Each message is sent as one final binary frame, its
 * header written in the headroom and, from the client, its payload masked in place.
 *
 * <p>On reading: binary frames, fragmented messages (a binary frame and continuation frames, with control frames
 * between them; reassembled in one buffer of the message limit, made at the first fragment), pings (the latest one
 * is answered by a pong written after the next message the engine sends, since only the engine's writer may write:
 * within the keepalive interval when idle), pongs (ignored) and close frames (ending the session with their status
 * code and reason). A server rejects unmasked frames and a client masked ones; text frames, reserved bits and opcodes,
 * oversized messages and malformed control frames are protocol errors.
 *
 * <p>Masking keys come from a fast generator seeded from {@link SecureRandom}: masking protects proxies from
 * payloads chosen by scripts, which a tunnel does not carry, and a strong generator per frame would cost more than
 * the framing itself.
 */
final class WebSocketFramer implements Framer {

    /** 2 bytes, a 64-bit length and a masking key. */
    static final int MAX_HEADER = 14;
    static final int MAX_CONTROL_PAYLOAD = 125;
    /** A masked pong with the largest ping payload. */
    static final int MAX_PONG_FRAME = 2 + 4 + MAX_CONTROL_PAYLOAD;

    private static final int FIN = 0x80;
    private static final int MASKED = 0x80;
    private static final int CONTINUATION = 0x0;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;

    private final boolean masksOutgoing;
    private final int maxMessageLength;
    /** The writer's. */
    private final SplittableRandom maskKeys = new SplittableRandom(new SecureRandom().nextLong());
    /** The reader's: a fragmented message so far, made at the first fragment. */
    private ByteBuffer fragments;
    private boolean assembling;
    /** The latest ping's payload, handed from the reader to the writer. */
    private final Object pongLock = new Object();
    private final byte[] pongPayload = new byte[MAX_CONTROL_PAYLOAD];
    private int pongLength;
    private volatile boolean pongDue;

    WebSocketFramer(Side side, int maxMessageLength) {
        if (maxMessageLength < 1) {
            throw new IllegalArgumentException("maxMessageLength must be positive: " + maxMessageLength);
        }
        this.masksOutgoing = side == Side.CLIENT;
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    public void encode(ByteBuffer message) {
        int start = frame(message, message.position(), message.remaining(), BINARY);
        if (pongDue) {
            appendPong(message);
        }
        message.position(start);
    }

    /** Writes a pong frame after the message, in the tailroom. */
    private void appendPong(ByteBuffer message) {
        synchronized (pongLock) {
            int payload = message.limit() + 2 + (masksOutgoing ? 4 : 0);
            message.limit(payload + pongLength).put(payload, pongPayload, 0, pongLength);
            frame(message, payload, pongLength, PONG);
            pongDue = false;
        }
    }

    /** Writes a final frame's header before {@code payload}, masks the payload if we must; returns the frame start. */
    private int frame(ByteBuffer buffer, int payload, int length, int opcode) {
        int lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
        int start = payload - 2 - lengthBytes - (masksOutgoing ? 4 : 0);
        int maskBit = masksOutgoing ? MASKED : 0;
        buffer.put(start, (byte) (FIN | opcode));
        buffer.put(start + 1, (byte) (maskBit | (lengthBytes == 0 ? length : lengthBytes == 2 ? 126 : 127)));
        for (int i = 0; i < lengthBytes; i++) {
            buffer.put(start + 2 + i, (byte) ((long) length >>> (8 * (lengthBytes - 1 - i))));
        }
        if (masksOutgoing) {
            buffer.putInt(payload - 4, maskKeys.nextInt());
            mask(buffer, payload, length);
        }
        return start;
    }

    /** XORs {@code length} bytes at {@code payload} with the key in the 4 bytes before them, 8 bytes at a time. */
    private static void mask(ByteBuffer buffer, int payload, int length) {
        int key = buffer.getInt(payload - 4);
        long wide = (key & 0xffffffffL) | ((long) key << 32); // the key twice, in the buffer's own byte order
        int i = payload;
        int end = payload + length;
        for (; i + 8 <= end; i += 8) {
            buffer.putLong(i, buffer.getLong(i) ^ wide);
        }
        for (; i < end; i++) {
            buffer.put(i, (byte) (buffer.get(i) ^ buffer.get(payload - 4 + ((i - payload) & 3))));
        }
    }

    @Override
    public void decode(ByteBuffer inbound, MessageSink sink) throws IOException {
        int limit = inbound.limit();
        int position = inbound.position();
        while (limit - position >= 2) {
            int first = inbound.get(position) & 0xff;
            int second = inbound.get(position + 1) & 0xff;
            int opcode = first & 0x0f;
            boolean fin = (first & FIN) != 0;
            boolean masked = (second & MASKED) != 0;
            int shortLength = second & 0x7f;
            check(first, opcode, fin, masked, shortLength);
            int lengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0;
            int header = 2 + lengthBytes + (masked ? 4 : 0);
            if (limit - position < header) {
                break;
            }
            long length = shortLength;
            if (lengthBytes > 0) {
                length = 0;
                for (int i = 0; i < lengthBytes; i++) {
                    length = length << 8 | (inbound.get(position + 2 + i) & 0xff);
                }
            }
            checkLength(opcode, length);
            int payload = position + header;
            if (length > limit - payload) {
                break;
            }
            int end = payload + (int) length;
            if (masked) {
                mask(inbound, payload, (int) length);
            }
            handle(opcode, fin, inbound, payload, end, sink);
            position = end;
        }
        inbound.position(position);
    }

    /** What the first two bytes alone tell is wrong. */
    private void check(int first, int opcode, boolean fin, boolean masked, int shortLength) throws ProtocolException {
        if ((first & 0x70) != 0) {
            throw new ProtocolException(String.format("frame with reserved bits 0x%02x (no extension was negotiated)",
                    first & 0x70));
        }
        if (masked != !masksOutgoing) {
            throw new ProtocolException(masksOutgoing ? "masked frame from the server" : "unmasked frame from the client");
        }
        switch (opcode) {
            case BINARY, CONTINUATION -> {}
            case TEXT -> throw new ProtocolException("text frame; the tunnel sends binary frames");
            case CLOSE, PING, PONG -> {
                if (!fin) {
                    throw new ProtocolException("fragmented control frame");
                }
                if (shortLength > MAX_CONTROL_PAYLOAD) {
                    throw new ProtocolException("control frame longer than " + MAX_CONTROL_PAYLOAD + " bytes");
                }
            }
            default -> throw new ProtocolException(String.format("reserved opcode 0x%x", opcode));
        }
        if (opcode == CONTINUATION && !assembling) {
            throw new ProtocolException("continuation frame without a message to continue");
        }
        if (opcode == BINARY && assembling) {
            throw new ProtocolException("new message before the fragmented one ended");
        }
    }

    private void checkLength(int opcode, long length) throws ProtocolException {
        if (opcode >= CLOSE) {
            return; // bounded by check()
        }
        int buffered = opcode == CONTINUATION ? fragments.position() : 0;
        // compared without adding: a 63-bit length plus what is buffered would overflow past the check
        if (length < 0 || length > maxMessageLength - buffered) {
            throw new ProtocolException("message of " + (length < 0 ? Long.toUnsignedString(length)
                    : length > Long.MAX_VALUE - buffered ? Long.toUnsignedString(length + buffered) : length + buffered)
                    + " bytes, more than the limit of " + maxMessageLength);
        }
    }

    private void handle(int opcode, boolean fin, ByteBuffer inbound, int payload, int end, MessageSink sink)
            throws IOException {
        switch (opcode) {
            case BINARY -> {
                if (fin) {
                    deliver(inbound, payload, end, sink);
                } else {
                    if (fragments == null) {
                        fragments = ByteBuffer.allocate(maxMessageLength);
                    }
                    fragments.clear();
                    append(inbound, payload, end);
                    assembling = true;
                }
            }
            case CONTINUATION -> {
                append(inbound, payload, end);
                if (fin) {
                    assembling = false;
                    fragments.flip();
                    deliver(fragments, 0, fragments.limit(), sink);
                    fragments.clear();
                }
            }
            case PING -> {
                synchronized (pongLock) {
                    inbound.get(payload, pongPayload, 0, end - payload);
                    pongLength = end - payload;
                    pongDue = true;
                }
            }
            case PONG -> {}
            default -> throw closed(inbound, payload, end);
        }
    }

    private void append(ByteBuffer inbound, int payload, int end) {
        int at = fragments.position();
        fragments.put(at, inbound, payload, end - payload).position(at + end - payload);
    }

    private static void deliver(ByteBuffer buffer, int start, int end, MessageSink sink) throws IOException {
        if (end == start) {
            throw new ProtocolException("empty message");
        }
        int limit = buffer.limit();
        buffer.limit(end).position(start);
        try {
            sink.message(buffer);
        } finally {
            buffer.limit(limit);
        }
    }

    /** The end of the session that a close frame announces, with its status code and reason. */
    private static IOException closed(ByteBuffer inbound, int payload, int end) {
        if (end - payload == 1) {
            return new ProtocolException("close frame with a 1-byte payload");
        }
        if (end == payload) {
            return new EOFException("WebSocket closed by the peer without a status code");
        }
        int code = (inbound.get(payload) & 0xff) << 8 | (inbound.get(payload + 1) & 0xff);
        if (!(code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999)) {
            return new ProtocolException("close frame with the invalid status code " + code);
        }
        String reason;
        try {
            reason = StandardCharsets.UTF_8.newDecoder().decode(inbound.slice(payload + 2, end - payload - 2))
                    .toString();
        } catch (CharacterCodingException e) {
            return new ProtocolException("close frame whose reason is not UTF-8");
        }
        String text = HttpHead.printable(reason);
        return new EOFException("WebSocket closed by the peer: " + code + meaning(code)
                + (text.isEmpty() ? "" : " '" + text + "'"));
    }

    private static String meaning(int code) {
        return switch (code) {
            case 1000 -> " (normal closure)";
            case 1001 -> " (going away)";
            case 1002 -> " (protocol error)";
            case 1003 -> " (unsupported data)";
            case 1007 -> " (invalid payload)";
            case 1008 -> " (policy violation)";
            case 1009 -> " (message too big)";
            case 1010 -> " (extension required)";
            case 1011 -> " (internal error)";
            default -> "";
        };
    }
}
