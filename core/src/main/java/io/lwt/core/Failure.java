package io.lwt.core;

/**
 * Why a node stopped by itself, and of which kind, for the exit status that tells a service manager whether
 * starting it again can help.
 */
public record Failure(Kind kind, String reason) {

    public enum Kind {
        /** Something that may pass (a device that failed, a hub that changed): starting again may help. */
        RUNTIME,
        /** The node's own configuration is wrong (e.g. its MTU is not the hub's): starting again cannot help. */
        CONFIGURATION,
        /** The hub, authenticated, refused this client for good (its entry says it may not join). */
        REFUSED
    }
}
