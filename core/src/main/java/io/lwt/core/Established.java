package io.lwt.core;

/**
 * What a finished handshake established about a session's peer, published once: until then the session carries no
 * data.
 *
 * @param identity the peer's authenticated name; null for a legacy hub's client, which has none
 * @param sources the source addresses the hub accepts from the peer (its anti-spoofing); none on a client
 * @param peerTakesSuperSegments whether the peer said it takes {@link Messages#DATA_GSO}; it then gets every packet so
 * @param probes whether keepalives carry probes the peer echoes: authenticated sessions only (the original has no echo)
 */
record Established(String identity, Sources sources, boolean peerTakesSuperSegments, boolean probes) {

    /** A session of the original program's protocol: no handshake, plain packets, keepalives without probes. */
    static Established legacy(String identity) {
        return new Established(identity, Sources.NONE, false, false);
    }

    /** An authenticated session. */
    static Established secure(String identity, Sources sources, boolean peerTakesSuperSegments) {
        return new Established(identity, sources, peerTakesSuperSegments, true);
    }
}
