package io.lwt.tun.linux;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import io.lwt.testsupport.Netns;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs an action on a fresh platform thread that has entered a test's network namespace with setns(2): a TUN device
 * or a socket made there lives in that namespace, while the JVM's other threads stay where they are.
 */
final class InNamespace {

    private InNamespace() {}

    private static final class Namespaces {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        static native int open(String path, int flags);

        static native int setns(int fd, int nstype);

        static native int close(int fd);
    }

    static <T> T call(Netns ns, Callable<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            int fd = Namespaces.open("/var/run/netns/" + ns.name(), 0);
            try {
                if (fd < 0 || Namespaces.setns(fd, 0x40000000 /* CLONE_NEWNET */) != 0) {
                    throw new IllegalStateException("cannot enter namespace " + ns.name() + ": errno " + Native.getLastError());
                }
                result.complete(action.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                Namespaces.close(fd);
            } // the thread ends here, and its namespace membership with it
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
