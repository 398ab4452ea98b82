package io.lwt.core.handshake;

import java.util.Optional;

/**
 * The hub's side of one session's handshake: a fresh challenge, the check of the client's HELLO against what the hub
 * knows of that client, and the WELCOME carrying the hub's own proof. Used by the session's reader thread only.
 */
public final class HubHandshake {

    private final byte[] serverNonce = Proofs.nonce();

    /** The first message of the session. */
    public Challenge challenge() {
        return new Challenge(serverNonce);
    }

    /**
     * Why a HELLO fails authentication, or null when it passes. {@code client} is the hub's entry for the HELLO's name,
     * null when there is none; {@code certified} the identity the transport authenticated, if it does. A certificate
     * identity must be the name; a client with a key must prove it; a client without one must have a certificate.
     * An unknown name and a wrong key get the same answer, so a prober learns nothing about which names exist; a
     * client whose certificate the transport verified is told more.
     */
    public String refusal(Hello hello, Credential client, Optional<String> certified) {
        String name = hello.printableName();
        if (certified.isPresent() && !certified.get().equals(hello.name())) {
            return "the client certificate is for '" + Hello.printable(certified.get()) + "', not '" + name + "'";
        }
        if (client == null) {
            return certified.isPresent() ? "'" + name + "' is not a client of this hub" : "unknown client or wrong key";
        }
        if (client.key() == null) {
            return certified.isPresent() ? null : "this client must present a client certificate (transport tls)";
        }
        boolean proven = Proofs.matches(Proofs.client(client.key(), serverNonce, hello.clientNonce(), hello.name()),
                hello.proof());
        return proven ? null : "unknown client or wrong key";
    }

    /** The WELCOME for a HELLO that passed {@link #refusal}: the grant, under the hub's proof of the client's key. */
    public Welcome welcome(Credential client, Hello hello, Grant grant) {
        return new Welcome(Proofs.hub(client.key(), serverNonce, hello.clientNonce()), grant);
    }
}
