package io.lwt.core.noise;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Noise handshake pattern (spec sections 7 and 9) as data: the pre-messages and the tokens of each message, the
 * initiator's messages first. Every fundamental, deferred and one-way pattern is here, and a name's {@code pskN}
 * modifiers add the psk token (N = 0: first in the first message; else last in message N).
 */
public record HandshakePattern(String name, List<Token> initiatorPreMessage, List<Token> responderPreMessage,
        List<List<Token>> messages, boolean oneWay) {

    /** A token of a message pattern. */
    public enum Token { E, S, EE, ES, SE, SS, PSK }

    public HandshakePattern {
        initiatorPreMessage = List.copyOf(initiatorPreMessage);
        responderPreMessage = List.copyOf(responderPreMessage);
        messages = messages.stream().map(List::copyOf).toList();
    }

    /** Whether the pattern has psk tokens, which make an "e" token also mix the ephemeral key into the key (9.2). */
    public boolean usesPsk() {
        return messages.stream().anyMatch(m -> m.contains(Token.PSK));
    }

    private record Base(String pre, String messages, boolean oneWay) {}

    /**
     * Pre-messages as "initiator|responder", messages separated by ';', tokens by ','; the initiator sends the first
     * message and the two alternate.
     */
    private static final Map<String, Base> BASE = Map.ofEntries(
            Map.entry("N", new Base("|s", "e,es", true)),
            Map.entry("K", new Base("s|s", "e,es,ss", true)),
            Map.entry("X", new Base("|s", "e,es,s,ss", true)),
            Map.entry("NN", new Base("|", "e; e,ee", false)),
            Map.entry("NK", new Base("|s", "e,es; e,ee", false)),
            Map.entry("NX", new Base("|", "e; e,ee,s,es", false)),
            Map.entry("KN", new Base("s|", "e; e,ee,se", false)),
            Map.entry("KK", new Base("s|s", "e,es,ss; e,ee,se", false)),
            Map.entry("KX", new Base("s|", "e; e,ee,se,s,es", false)),
            Map.entry("XN", new Base("|", "e; e,ee; s,se", false)),
            Map.entry("XK", new Base("|s", "e,es; e,ee; s,se", false)),
            Map.entry("XX", new Base("|", "e; e,ee,s,es; s,se", false)),
            Map.entry("IN", new Base("|", "e,s; e,ee,se", false)),
            Map.entry("IK", new Base("|s", "e,es,s,ss; e,ee,se", false)),
            Map.entry("IX", new Base("|", "e,s; e,ee,se,s,es", false)),
            Map.entry("NK1", new Base("|s", "e; e,ee,es", false)),
            Map.entry("NX1", new Base("|", "e; e,ee,s; es", false)),
            Map.entry("X1N", new Base("|", "e; e,ee; s; se", false)),
            Map.entry("X1K", new Base("|s", "e,es; e,ee; s; se", false)),
            Map.entry("XK1", new Base("|s", "e; e,ee,es; s,se", false)),
            Map.entry("X1K1", new Base("|s", "e; e,ee,es; s; se", false)),
            Map.entry("X1X", new Base("|", "e; e,ee,s,es; s; se", false)),
            Map.entry("XX1", new Base("|", "e; e,ee,s; es,s,se", false)),
            Map.entry("X1X1", new Base("|", "e; e,ee,s; es,s; se", false)),
            Map.entry("K1N", new Base("s|", "e; e,ee; se", false)),
            Map.entry("K1K", new Base("s|s", "e,es; e,ee; se", false)),
            Map.entry("KK1", new Base("s|s", "e; e,ee,se,es", false)),
            Map.entry("K1K1", new Base("s|s", "e; e,ee,es; se", false)),
            Map.entry("K1X", new Base("s|", "e; e,ee,s,es; se", false)),
            Map.entry("KX1", new Base("s|", "e; e,ee,se,s; es", false)),
            Map.entry("K1X1", new Base("s|", "e; e,ee,s; se,es", false)),
            Map.entry("I1N", new Base("|", "e,s; e,ee; se", false)),
            Map.entry("I1K", new Base("|s", "e,es,s; e,ee; se", false)),
            Map.entry("IK1", new Base("|s", "e,s; e,ee,se,es", false)),
            Map.entry("I1K1", new Base("|s", "e,s; e,ee,es; se", false)),
            Map.entry("I1X", new Base("|", "e,s; e,ee,s,es; se", false)),
            Map.entry("IX1", new Base("|", "e,s; e,ee,se,s; es", false)),
            Map.entry("I1X1", new Base("|", "e,s; e,ee,s; se,es", false)));

    /** The pattern a protocol name's pattern part names, e.g. {@code IKpsk2} or {@code NNpsk0+psk2}. */
    public static HandshakePattern named(String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([A-Z1]+)((?:psk\\d)(?:\\+psk\\d)*)?").matcher(name);
        if (!m.matches() || !BASE.containsKey(m.group(1))) {
            throw new IllegalArgumentException("unknown Noise handshake pattern " + name);
        }
        Base base = BASE.get(m.group(1));
        String[] pre = base.pre.split("\\|", -1);
        List<List<Token>> messages = new ArrayList<>();
        for (String message : base.messages.split(";")) {
            messages.add(new ArrayList<>(tokens(message)));
        }
        if (m.group(2) != null) {
            for (String modifier : m.group(2).split("\\+")) {
                int at = Integer.parseInt(modifier.substring(3));
                if (at > messages.size()) {
                    throw new IllegalArgumentException(name + ": " + modifier + " names no message of " + m.group(1));
                }
                if (at == 0) {
                    messages.getFirst().addFirst(Token.PSK);
                } else {
                    messages.get(at - 1).add(Token.PSK);
                }
            }
        }
        return new HandshakePattern(name, tokens(pre[0]), tokens(pre[1]), messages, base.oneWay);
    }

    private static List<Token> tokens(String text) {
        List<Token> tokens = new ArrayList<>();
        for (String t : text.split(",")) {
            if (!t.isBlank()) {
                tokens.add(Token.valueOf(t.trim().toUpperCase(java.util.Locale.ROOT)));
            }
        }
        return tokens;
    }
}
