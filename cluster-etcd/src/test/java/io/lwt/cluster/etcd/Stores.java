package io.lwt.cluster.etcd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.ConfigValue;
import io.lwt.api.cluster.ClusterStore;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** What the tests against real etcd share: stores made through the provider; waiting on conditions, with deadlines. */
final class Stores {

    private static final Duration POLL = Duration.ofMillis(20);

    private Stores() {}

    /** A store on {@code endpoints} under {@code prefix}, configured as a user would. */
    static ClusterStore open(List<String> endpoints, String prefix) {
        Config.Location here = Config.Location.of("test");
        Config config = Config.builder("cluster.etcd", here)
                .put("endpoints", new ConfigValue.Sequence(
                        endpoints.stream().<ConfigValue>map(url -> new ConfigValue.Scalar(url, here)).toList(), here))
                .put("prefix", prefix)
                .build();
        return new EtcdClusterStoreProvider().create(config);
    }

    /** A bare client on one member, to do behind a store's back what etcd's operators or its own expiry would. */
    static EtcdClient rawClient(String endpoint) {
        return new EtcdClient(List.of(URI.create(endpoint)), Duration.ofSeconds(2), null);
    }

    /** Waits until {@code condition} holds, failing after {@code timeout}. */
    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(POLL);
        }
    }

    /** Checks that {@code condition} holds all along {@code period}: for what must not happen, such as a key going. */
    static void holds(Duration period, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            assertTrue(condition.getAsBoolean(), what);
            Thread.sleep(POLL);
        }
    }

    /**
     * Retries {@code call} while etcd cannot serve it (a member just died, a leader is being elected), up to
     * {@code timeout}. Callers make it safe to repeat, as the store's users must.
     */
    static <T> T eventually(Duration timeout, Call<T> call) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return call.run();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(POLL);
            }
        }
    }

    /** A store call, in {@link #eventually}. */
    interface Call<T> {
        T run() throws IOException;
    }
}
