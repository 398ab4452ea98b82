package io.lwt.launcher;

import io.lwt.core.LogContext;
import java.io.PrintStream;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * Every {@link System.Logger} of every module writes one line per event to stderr:
 * {@code 2026-11-24T20:00:00.123Z INFO  [node] [session] message}, where the session is the client's identity (or
 * its remote address before the handshake) and {@code -} for events of the node as a whole. Exceptions show only
 * their message unless the level is DEBUG or finer, so expected errors never print stack traces by default.
 */
public final class LineLoggerFinder extends System.LoggerFinder {

    private static volatile String node = "lwt";
    private static volatile System.Logger.Level threshold = System.Logger.Level.INFO;
    private static volatile PrintStream out = System.err;

    /** Sets the node name shown on every line and the least severe level printed. */
    static void configure(String nodeName, System.Logger.Level level) {
        node = nodeName;
        threshold = level;
    }

    static System.Logger.Level threshold() {
        return threshold;
    }

    /** Where lines go; stderr unless a test captures them. */
    static void output(PrintStream stream) {
        out = stream;
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new LineLogger(name);
    }

    private record LineLogger(String name) implements System.Logger {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level != Level.OFF && level.getSeverity() >= threshold.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (!isLoggable(level)) {
                return;
            }
            String text = message;
            if (thrown != null) {
                text += ": " + thrown.getMessage();
            }
            write(level, text);
            if (thrown != null && threshold.getSeverity() <= Level.DEBUG.getSeverity()) {
                thrown.printStackTrace(out);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                write(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params));
            }
        }

        @Override
        public void log(Level level, Supplier<String> message) {
            if (isLoggable(level)) {
                write(level, message.get());
            }
        }

        private static void write(Level level, String text) {
            String label = switch (level) {
                case ALL, TRACE -> "TRACE";
                case DEBUG -> "DEBUG";
                case INFO -> "INFO ";
                case WARNING -> "WARN ";
                case ERROR, OFF -> "ERROR";
            };
            String session = LogContext.session();
            out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + label + " [" + node + "] ["
                    + (session == null ? "-" : session) + "] " + text);
        }
    }
}
