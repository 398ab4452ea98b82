package io.lwt.api;

/** Which end of a connection this node is: the one that dialed, or the one that accepted. */
public enum Side {
    CLIENT,
    SERVER
}
