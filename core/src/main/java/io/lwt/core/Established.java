package io.lwt.core;

/**
 * What a finished handshake established about a session's peer, published once: until then the session carries no
 * data.
 *
 * @param identity the peer's authenticated name; null for a legacy hub's client, which has none
 * @param sources the source addresses the hub accepts from the peer (its anti-spoofing); none on a client
 * @param peerTakesSuperSegments whether the peer said it takes {@link Messages#DATA_GSO}; it then gets every packet so
 * @param probes whether keepalives carry probes the peer echoes: authenticated sessions only (the original has no echo)
 * @param linkTo on a link between the hubs of a cluster, the other hub's name; null on a client's session
 */
record Established(String identity, Sources sources, boolean peerTakesSuperSegments, boolean probes, String linkTo) {

    /** A session of the original program's protocol: no handshake, plain packets, keepalives without probes. */
    static Established legacy(String identity) {
        return new Established(identity, Sources.NONE, false, false, null);
    }

    /** An authenticated session. */
    static Established secure(String identity, Sources sources, boolean peerTakesSuperSegments) {
        return new Established(identity, sources, peerTakesSuperSegments, true, null);
    }

    /**
     * A link to another hub of the cluster: its identity {@code hub:NAME}; the sources it may send from are those of
     * the clients the cluster says that hub holds, which the hub checks itself.
     */
    static Established link(String hub, boolean peerTakesSuperSegments) {
        return new Established("hub:" + hub, Sources.NONE, peerTakesSuperSegments, true, hub);
    }
}
