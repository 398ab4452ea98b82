package io.lwt.launcher;

import io.lwt.api.ConfigException;
import java.io.PrintWriter;

/** How commands report an expected failure: one line, no stack trace, exit code 1. */
final class Cli {

    static final int FAILED = 1;

    private Cli() {}

    /** A configuration error is already located ({@code file:line:column: ...}); anything else gets {@code lwt: }. */
    static int fail(PrintWriter err, Exception e) {
        err.println(e instanceof ConfigException ? e.getMessage() : "lwt: " + e.getMessage());
        return FAILED;
    }
}
