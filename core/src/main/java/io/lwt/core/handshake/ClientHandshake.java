package io.lwt.core.handshake;

/**
 * The client's side of one session's handshake: the HELLO that answers the hub's challenge, and the check that the
 * hub's WELCOME proves it holds this client's key. Used by the session's reader thread only.
 */
public final class ClientHandshake {

    private final String identity;
    private final byte[] key;
    private byte[] serverNonce;
    private byte[] clientNonce;

    /** @param key the pre-shared key, or null when the transport authenticates both ends */
    public ClientHandshake(String identity, byte[] key) {
        this.identity = identity;
        this.key = key == null ? null : key.clone();
    }

    public Hello answer(Challenge challenge, boolean takesSuperSegments) {
        serverNonce = challenge.serverNonce();
        clientNonce = Proofs.nonce();
        return new Hello(clientNonce, Proofs.client(key, serverNonce, clientNonce, identity), identity,
                takesSuperSegments);
    }

    /**
     * Whether the WELCOME answers this client's HELLO with the hub's proof of its key. Without a key the transport
     * authenticated the hub (a verified certificate), so there is no proof to check; before any HELLO nothing proves.
     */
    public boolean proves(Welcome welcome) {
        return clientNonce != null
                && (key == null || Proofs.matches(Proofs.hub(key, serverNonce, clientNonce), welcome.proof()));
    }
}
