package io.lwt.api.routing;

/** A connected peer, as routing policies see it. */
public interface Peer {

    /** A name for logs: the client's identity, or its remote address before it has one. */
    String name();

    /** The route that delivers to this peer; the same instance on every call. */
    Route.ToPeer route();
}
