package io.lwt.testsupport;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Hands every line a {@link System.Logger} logs to a listener while installed, and keeps those lines off the console
 * (the JDK backs System.Logger with java.util.logging). For tests that assert on what an operator would read, over
 * thousands of sessions whose lines would otherwise flood the test output.
 */
public final class LogCapture implements AutoCloseable {

    /**
     * One log line: its level as java.util.logging names it ({@code INFO}, {@code WARNING}, {@code SEVERE} for
     * errors), its message pattern ({@code "session {0} closed: {1}"}) and its parameters as text.
     */
    public record Line(String level, String pattern, List<String> parameters) {
        /** The line as it would be logged. */
        public String message() {
            return java.text.MessageFormat.format(pattern, parameters.toArray());
        }
    }

    private final Logger logger;
    private final boolean parentHandlers;
    private final Handler handler;
    private final java.util.logging.Level level;

    private LogCapture(String loggerName, Consumer<Line> listener) {
        this.logger = Logger.getLogger(loggerName);
        this.parentHandlers = logger.getUseParentHandlers();
        this.handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                Object[] parameters = record.getParameters();
                listener.accept(new Line(record.getLevel().getName(), record.getMessage(), parameters == null ? List.of()
                        : Arrays.stream(parameters).map(String::valueOf).toList()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        this.level = logger.getLevel();
        logger.setUseParentHandlers(false);
        logger.setLevel(java.util.logging.Level.ALL); // every record, debug ones too
        logger.addHandler(handler);
    }

    /** Starts capturing the logger of that name, usually a class name. */
    public static LogCapture of(String loggerName, Consumer<Line> listener) {
        return new LogCapture(loggerName, listener);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(level);
        logger.setUseParentHandlers(parentHandlers);
    }
}
