package io.lwt.core.noise;

import io.lwt.core.noise.HandshakePattern.Token;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A Noise HandshakeState (spec section 5.3) for {@code Noise_<pattern>_25519_<AESGCM|ChaChaPoly>_SHA256}: each side
 * writes and reads the pattern's messages in turn, each carrying a payload, and once the last is done
 * {@link #split()} gives the two transport CipherStates. Not thread-safe; one handshake, one thread at a time.
 */
public final class HandshakeState {

    private final HandshakePattern pattern;
    private final boolean initiator;
    private final SymmetricState symmetric;
    private final Curve25519.KeyPair s;
    private Curve25519.KeyPair e;
    private byte[] rs;
    private byte[] re;
    private final Deque<byte[]> psks;
    private int message;

    /**
     * Initialize(...).
     *
     * @param protocolName e.g. {@code Noise_IKpsk2_25519_AESGCM_SHA256}
     * @param s the local static key pair, or null when the pattern needs none
     * @param e the local ephemeral key pair, or null to make a fresh one when it is due (tests give their own)
     * @param rs the remote static public key when the pattern's pre-messages give it, else null
     * @param psks the pre-shared keys, 32 bytes each, in the order of the pattern's psk tokens
     */
    public HandshakeState(String protocolName, boolean initiator, byte[] prologue, Curve25519.KeyPair s,
            Curve25519.KeyPair e, byte[] rs, List<byte[]> psks) {
        String[] parts = protocolName.split("_");
        if (parts.length != 5 || !parts[0].equals("Noise") || !parts[2].equals("25519") || !parts[4].equals("SHA256")) {
            throw new IllegalArgumentException("unsupported Noise protocol " + protocolName
                    + ": only Noise_<pattern>_25519_<AESGCM|ChaChaPoly>_SHA256");
        }
        this.pattern = HandshakePattern.named(parts[1]);
        this.initiator = initiator;
        this.symmetric = new SymmetricState(protocolName, CipherFunction.named(parts[3]));
        this.s = s;
        this.e = e;
        this.rs = rs == null ? null : rs.clone();
        this.psks = new ArrayDeque<>();
        for (byte[] psk : psks) {
            if (psk.length != 32) {
                throw new IllegalArgumentException("a Noise pre-shared key is 32 bytes, not " + psk.length);
            }
            this.psks.add(psk.clone());
        }
        symmetric.mixHash(prologue);
        preMessage(pattern.initiatorPreMessage(), initiator);
        preMessage(pattern.responderPreMessage(), !initiator);
    }

    /** The pre-message's public keys go into the hash, the sender's own or the ones it announced. */
    private void preMessage(List<Token> tokens, boolean own) {
        for (Token token : tokens) {
            byte[] key = switch (token) {
                case S -> own ? s.publicKey() : rs;
                case E -> own ? e.publicKey() : re;
                default -> throw new IllegalStateException("a pre-message holds only e and s");
            };
            if (key == null) {
                throw new IllegalArgumentException(pattern.name() + " needs the " + (own ? "local" : "remote") + " "
                        + token.name().toLowerCase(java.util.Locale.ROOT) + " key before the handshake");
            }
            symmetric.mixHash(key);
        }
    }

    /**
     * Adds a pre-shared key for a later psk token: a responder learns whose key it needs only from the initiator's
     * first message (spec section 9.1 allows the PSK to be chosen so).
     */
    public void addPsk(byte[] psk) {
        if (psk.length != 32) {
            throw new IllegalArgumentException("a Noise pre-shared key is 32 bytes, not " + psk.length);
        }
        psks.add(psk.clone());
    }

    /** Whether it is this side's turn to write. */
    public boolean isMyTurn() {
        return !isComplete() && (message % 2 == 0) == initiator;
    }

    public boolean isComplete() {
        return message == pattern.messages().size();
    }

    /** WriteMessage(payload): the next message of the pattern, which must be this side's to write. */
    public byte[] writeMessage(byte[] payload) throws NoiseException {
        if (!isMyTurn()) {
            throw new IllegalStateException("not this side's turn to write");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Token token : pattern.messages().get(message)) {
            switch (token) {
                case E -> {
                    if (e == null) {
                        e = Curve25519.generate();
                    }
                    out.writeBytes(e.publicKey());
                    mixEphemeral(e.publicKey());
                }
                case S -> out.writeBytes(symmetric.encryptAndHash(s.publicKey()));
                default -> mix(token);
            }
        }
        out.writeBytes(symmetric.encryptAndHash(payload));
        message++;
        return out.toByteArray();
    }

    /** ReadMessage(message): the payload of the peer's next message. */
    public byte[] readMessage(byte[] bytes) throws NoiseException {
        if (isComplete() || isMyTurn()) {
            throw new IllegalStateException("not the peer's turn to write");
        }
        int at = 0;
        for (Token token : pattern.messages().get(message)) {
            switch (token) {
                case E -> {
                    re = slice(bytes, at, Curve25519.DHLEN);
                    at += Curve25519.DHLEN;
                    mixEphemeral(re);
                }
                case S -> {
                    int length = Curve25519.DHLEN + (symmetric.hasKey() ? CipherFunction.TAGLEN : 0);
                    rs = symmetric.decryptAndHash(slice(bytes, at, length));
                    at += length;
                }
                default -> mix(token);
            }
        }
        byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(bytes, at, bytes.length));
        message++;
        return payload;
    }

    private void mixEphemeral(byte[] publicKey) {
        symmetric.mixHash(publicKey);
        if (pattern.usesPsk()) {
            symmetric.mixKey(publicKey); // spec section 9.2
        }
    }

    private void mix(Token token) throws NoiseException {
        switch (token) {
            case EE -> symmetric.mixKey(Curve25519.dh(e.privateKey(), re));
            case ES -> symmetric.mixKey(initiator ? Curve25519.dh(e.privateKey(), rs) : Curve25519.dh(s.privateKey(), re));
            case SE -> symmetric.mixKey(initiator ? Curve25519.dh(s.privateKey(), re) : Curve25519.dh(e.privateKey(), rs));
            case SS -> symmetric.mixKey(Curve25519.dh(s.privateKey(), rs));
            case PSK -> {
                byte[] psk = psks.poll();
                if (psk == null) {
                    throw new IllegalStateException(pattern.name() + " needs more pre-shared keys than it was given");
                }
                symmetric.mixKeyAndHash(psk);
            }
            case E, S -> throw new AssertionError(token);
        }
    }

    private static byte[] slice(byte[] bytes, int from, int length) throws NoiseException {
        if (bytes.length - from < length) {
            throw new NoiseException("a handshake message of " + bytes.length + " bytes is too short for its pattern");
        }
        return Arrays.copyOfRange(bytes, from, from + length);
    }

    /** The remote static public key, once known. */
    public byte[] remoteStatic() {
        return rs == null ? null : rs.clone();
    }

    /** GetHandshakeHash(): a unique name of this handshake, for channel binding. */
    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** The transport CipherStates once the handshake is complete: this side's sending one, then its receiving one. */
    public Transport split() {
        if (!isComplete()) {
            throw new IllegalStateException("the handshake is not complete");
        }
        CipherState[] both = symmetric.split();
        return initiator ? new Transport(both[0], both[1]) : new Transport(both[1], both[0]);
    }

    /** The two directions of a finished handshake's traffic, as this side sees them. */
    public record Transport(CipherState sending, CipherState receiving) {}
}
