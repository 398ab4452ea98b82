package io.lwt.core.handshake;

import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Why the hub refuses a client it has authenticated: {@code code:u8 textLength:u8 text:utf-8}. */
public record Reject(Reason reason, String text) implements Answer {

    /** Why a hub refuses a client; permanent reasons make the client stop retrying. */
    public enum Reason {
        VERSION(1, true),
        AUTHENTICATION(2, true),
        POOL_EXHAUSTED(3, false),
        BUSY(4, false),
        CONFLICT(5, false);

        private final int code;
        private final boolean permanent;

        Reason(int code, boolean permanent) {
            this.code = code;
            this.permanent = permanent;
        }

        public boolean permanent() {
            return permanent;
        }

        /** The reason as a counter label, e.g. {@code pool-exhausted}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        static Reason of(int code) throws ProtocolException {
            for (Reason r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            throw new ProtocolException("unknown reject code " + code);
        }
    }

    @Override
    public void write(ByteBuffer out) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, 255);
        out.put(REJECT).put((byte) reason.code).put((byte) length).put(bytes, 0, length);
    }

    public static Reject read(ByteBuffer in) throws ProtocolException {
        Reason reason = Reason.of(Wire.unsigned(in, "reject"));
        int length = Wire.unsigned(in, "reject");
        return new Reject(reason, new String(Wire.bytes(in, length, "reject"), StandardCharsets.UTF_8));
    }
}
