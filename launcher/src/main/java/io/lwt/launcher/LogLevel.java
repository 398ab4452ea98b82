package io.lwt.launcher;

/** The log levels as users write them, in {@code log-level:} and {@code lwt run --log-level}. */
enum LogLevel {
    error(System.Logger.Level.ERROR),
    warn(System.Logger.Level.WARNING),
    info(System.Logger.Level.INFO),
    debug(System.Logger.Level.DEBUG),
    trace(System.Logger.Level.TRACE);

    final System.Logger.Level level;

    LogLevel(System.Logger.Level level) {
        this.level = level;
    }
}
