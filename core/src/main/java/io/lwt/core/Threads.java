package io.lwt.core;

import java.lang.System.Logger.Level;

/**
 * Builders of every thread the engine starts, named and with an uncaught-exception handler, so that no thread dies
 * silently: a failure the thread's own code did not expect (a plugin's bug, an error) is logged in one line.
 */
final class Threads {

    private static final System.Logger LOG = System.getLogger(Threads.class.getName());
    private static final Thread.UncaughtExceptionHandler LOG_DEATH = (thread, e) ->
            LOG.log(Level.ERROR, "thread {0} ended by an unexpected {1}", thread.getName(), Nodes.describe(e));

    private Threads() {}

    static Thread.Builder virtual(String name) {
        return Thread.ofVirtual().name(name).uncaughtExceptionHandler(LOG_DEATH);
    }

    /** A daemon platform thread: for blocking native reads, and sessions that wake faster on one. */
    static Thread.Builder platform(String name) {
        return Thread.ofPlatform().name(name).daemon(true).uncaughtExceptionHandler(LOG_DEATH);
    }
}
