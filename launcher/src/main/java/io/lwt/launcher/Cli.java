package io.lwt.launcher;

import io.lwt.api.ConfigException;
import io.lwt.core.Failure;
import java.io.PrintWriter;

/**
 * How commands report an expected failure: one line, no stack trace, and an exit status that says what a service
 * manager may do about it (docs/install.md): {@value #FAILED} may pass if started again, {@value #CONFIGURATION} never
 * will (the systemd unit does not restart it), {@value #REFUSED} is the hub's authenticated refusal of this client.
 */
final class Cli {

    static final int FAILED = 1;
    static final int CONFIGURATION = 2;
    static final int REFUSED = 3;

    private Cli() {}

    /** A configuration error is already located ({@code file:line:column: ...}); anything else gets {@code lwt: }. */
    static int fail(PrintWriter err, Exception e) {
        err.println(e instanceof ConfigException ? e.getMessage() : "lwt: " + e.getMessage());
        return e instanceof ConfigException ? CONFIGURATION : FAILED;
    }

    /** A node that stopped by itself: its reason in one line, and the status of its kind. */
    static int fail(PrintWriter err, Failure failure) {
        err.println("lwt: " + failure.reason());
        return switch (failure.kind()) {
            case RUNTIME -> FAILED;
            case CONFIGURATION -> CONFIGURATION;
            case REFUSED -> REFUSED;
        };
    }
}
