package io.lwt.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code lwt} command line in the test's own JVM and keeps what it printed. */
final class InProcess {

    record Outcome(int exit, String out, String err) {}

    private InProcess() {}

    static Outcome lwt(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Lwt.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(exit, out.toString(), err.toString());
    }
}
