package io.lwt.core;

import java.util.function.Supplier;

/**
 * The session an event belongs to, for the session column of log lines. It is bound around a session's reader and
 * writer and around its close, so whatever they log (a drop, a protocol error, the handshake's outcome) names the
 * session without each message having to.
 */
public final class LogContext {

    private static final ScopedValue<Supplier<String>> SESSION = ScopedValue.newInstance();

    private LogContext() {}

    /** The label of the session the current thread works for (its identity, or its remote address), or null. */
    public static String session() {
        return SESSION.isBound() ? SESSION.get().get() : null;
    }

    static void run(Supplier<String> session, Runnable task) {
        ScopedValue.where(SESSION, session).run(task);
    }
}
