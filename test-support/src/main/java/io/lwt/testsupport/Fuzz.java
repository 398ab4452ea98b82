package io.lwt.testsupport;

import io.lwt.api.ProtocolException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Seeded random fuzzing of a decoder of network bytes, checking what every such decoder owes the hub: only
 * {@link ProtocolException} escapes, no input makes it allocate more than a budget, no input makes it hang. A
 * finding fails the run with the input shrunk to a few bytes, in hex, ready to become a line of a corpus test.
 *
 * <p>Runs are reproducible: each has a fixed seed derived from its name. {@code -Dlwt.fuzz.seed=N} replaces the seed
 * and {@code -Dlwt.fuzz.scale=N} multiplies every run's number of cases, for longer manual runs.
 */
public final class Fuzz {

    /** Inputs that warm the decoder up (class loading, first compilations) before allocation is measured. */
    private static final int WARM_UP = 500;
    /** The longest input {@link #mutations} makes. */
    public static final int MAX_INPUT = 64 * 1024;
    private static final Duration SHRINK_TIME = Duration.ofSeconds(20);
    /** Hex shown in a failure message; a longer input is cut, with its length said. */
    private static final int MAX_SHOWN = 512;
    private static final HexFormat HEX = HexFormat.of();

    private Fuzz() {}

    /** Makes the next input. */
    @FunctionalInterface
    public interface Generator {
        byte[] next(Random random);
    }

    /** Decodes one input; may throw {@link ProtocolException}, and any other throwable is a finding. */
    @FunctionalInterface
    public interface Target {
        void decode(byte[] input) throws Exception;
    }

    /**
     * How one run is bounded.
     *
     * @param cases inputs tried (before {@code lwt.fuzz.scale})
     * @param maxAllocatedBytes the most heap one input may make the decoder allocate on its thread
     * @param perInput an input running longer than this is reported as a hang (a hang detector, not a speed limit)
     */
    public record Limits(int cases, long maxAllocatedBytes, Duration perInput) {}

    /** What a run saw; {@link #toString()} is the line for docs/reliability.md. */
    public record Result(String name, long seed, int cases, int rejected, long maxAllocatedBytes, Duration slowest) {
        @Override
        public String toString() {
            return String.format("fuzz %s: %d inputs, %d rejected with ProtocolException, at most %d bytes allocated per"
                    + " input, slowest %.1f ms, seed %d", name, cases, rejected, maxAllocatedBytes,
                    slowest.toNanos() / 1e6, seed);
        }
    }

    /** Runs {@code target} over generated inputs; fails on the first finding, with the input shrunk. */
    public static Result run(String name, Generator inputs, Target target, Limits limits) {
        long seed = Long.getLong("lwt.fuzz.seed", name.hashCode());
        int cases = limits.cases() * Integer.getInteger("lwt.fuzz.scale", 1);
        Runner runner = new Runner(name, target, limits.maxAllocatedBytes());
        FutureTask<Result> task = new FutureTask<>(() -> runner.run(inputs, seed, cases));
        Thread worker = Thread.ofPlatform().daemon().name("fuzz " + name).start(task);
        long limit = limits.perInput().toNanos();
        while (true) {
            try {
                Result result = task.get(50, TimeUnit.MILLISECONDS);
                System.out.println(result);
                return result;
            } catch (TimeoutException e) {
                byte[] input = runner.current;
                if (input != null && System.nanoTime() - runner.startedNanos > limit) {
                    worker.interrupt();
                    throw new AssertionError(name + ": an input ran longer than " + limits.perInput()
                            + " (a hang?), seed " + seed + ": " + hex(input));
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AssertionError finding) {
                    throw finding;
                }
                throw new AssertionError(name + ": the fuzz runner failed", e.getCause());
            } catch (InterruptedException e) {
                worker.interrupt();
                Thread.currentThread().interrupt();
                throw new AssertionError(name + ": interrupted", e);
            }
        }
    }

    /**
     * What {@code target} makes of one input, for corpus tests: {@code "accepted"}, or {@code "rejected: "} and the
     * {@link ProtocolException}'s message. Anything else it throws propagates, failing the test as it would a run.
     */
    public static String outcome(Target target, byte[] input) throws Exception {
        try {
            target.decode(input);
            return "accepted";
        } catch (ProtocolException e) {
            return "rejected: " + e.getMessage();
        }
    }

    private static String hex(byte[] input) {
        return input.length <= MAX_SHOWN ? HEX.formatHex(input)
                : HEX.formatHex(input, 0, MAX_SHOWN) + "... (" + input.length + " bytes in all)";
    }

    /** Random bytes, mostly short (headers are short), sometimes up to {@code maxLength}. */
    public static Generator bytes(int maxLength) {
        return random -> {
            byte[] b = new byte[random.nextInt(random.nextInt(4) == 0 ? maxLength + 1 : Math.min(maxLength, 64) + 1)];
            random.nextBytes(b);
            return b;
        };
    }

    /** A valid input from {@code seeds} with one to four mutations: flipped bits, odd lengths, cuts, splices. */
    public static Generator mutations(List<byte[]> seeds) {
        List<byte[]> copies = seeds.stream().map(byte[]::clone).toList();
        return random -> {
            byte[] b = copies.get(random.nextInt(copies.size())).clone();
            for (int n = 1 + random.nextInt(4); n > 0; n--) {
                b = mutate(b, random);
            }
            return b;
        };
    }

    /** Picks one of the generators for each input. */
    public static Generator oneOf(Generator... generators) {
        List<Generator> all = List.of(generators);
        return random -> all.get(random.nextInt(all.size())).next(random);
    }

    private static final int[] INTERESTING = {0, 1, 2, -1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
        0x7fffffff, 0x80000000, 0xfffffffe};

    private static byte[] mutate(byte[] b, Random random) {
        int at = b.length == 0 ? 0 : random.nextInt(b.length);
        switch (random.nextInt(9)) {
            case 0 -> {
                if (b.length > 0) {
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> {
                if (b.length > 0) {
                    b[at] = (byte) INTERESTING[random.nextInt(INTERESTING.length)];
                }
            }
            case 2 -> putBigEndian(b, at, 2, interesting(random));
            case 3 -> putBigEndian(b, at, 4, interesting(random));
            case 4 -> b = Arrays.copyOf(b, random.nextInt(b.length + 1));
            case 5 -> {
                byte[] extra = new byte[1 + random.nextInt(16)];
                random.nextBytes(extra);
                b = splice(b, at, extra, 0);
            }
            case 6 -> {
                int end = at + random.nextInt(b.length - at + 1);
                b = splice(Arrays.copyOf(b, at), at, b, end);
            }
            case 7 -> {
                int end = at + random.nextInt(b.length - at + 1);
                b = splice(b, random.nextInt(b.length + 1), Arrays.copyOfRange(b, at, end), 0);
            }
            default -> {
                byte[] extra = new byte[random.nextInt(64)];
                random.nextBytes(extra);
                b = splice(b, b.length, extra, 0);
            }
        }
        return b.length > MAX_INPUT ? Arrays.copyOf(b, MAX_INPUT) : b;
    }

    private static int interesting(Random random) {
        int value = INTERESTING[random.nextInt(INTERESTING.length)];
        return random.nextBoolean() ? value : value + random.nextInt(3) - 1;
    }

    private static void putBigEndian(byte[] b, int at, int width, int value) {
        for (int i = 0; i < width && at + i < b.length; i++) {
            b[at + i] = (byte) (value >>> (8 * (width - 1 - i)));
        }
    }

    /** {@code b[0..at)} followed by {@code insert[from..)} and then {@code b[at..)}. */
    private static byte[] splice(byte[] b, int at, byte[] insert, int from) {
        int n = insert.length - from;
        byte[] out = new byte[b.length + n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, from, out, at, n);
        System.arraycopy(b, at, out, at + n, b.length - at);
        return out;
    }

    /** Runs the cases on its own thread, so allocation is counted on that thread and a hang can be seen from outside. */
    private static final class Runner {
        private final String name;
        private final Target target;
        private final long maxAllocated;
        volatile byte[] current;
        volatile long startedNanos;
        private int rejected;
        private long mostAllocated;
        private long slowestNanos;

        Runner(String name, Target target, long maxAllocated) {
            this.name = name;
            this.target = target;
            this.maxAllocated = maxAllocated;
        }

        Result run(Generator inputs, long seed, int cases) {
            Random warmUp = new Random(~seed);
            for (int i = 0; i < WARM_UP; i++) {
                byte[] input = inputs.next(warmUp);
                report(input, check(input, false), seed, "warm-up input " + i);
            }
            Random random = new Random(seed);
            rejected = 0;
            for (int i = 0; i < cases; i++) {
                byte[] input = inputs.next(random);
                report(input, check(input, true), seed, "input " + i);
            }
            return new Result(name, seed, cases, rejected, mostAllocated, Duration.ofNanos(slowestNanos));
        }

        /** The kind of finding ({@code null} for none) and its description. */
        private record Finding(String kind, String text, Throwable cause) {}

        /** What one decode did. */
        private record Outcome(Throwable thrown, long allocated, long nanos) {}

        /**
         * Decodes {@code input}, and once more when it allocated more than the budget: the JIT's first compilations
         * and deoptimizations allocate now and then, an attacker's input allocates every time.
         */
        private Finding check(byte[] input, boolean measure) {
            Outcome outcome = decode(input);
            if (measure && outcome.allocated() > maxAllocated) {
                outcome = decode(input);
            }
            if (outcome.thrown() instanceof ProtocolException) {
                rejected++;
            } else if (outcome.thrown() != null) {
                return new Finding(outcome.thrown().getClass().getName(), "threw " + outcome.thrown(), outcome.thrown());
            }
            if (measure) {
                slowestNanos = Math.max(slowestNanos, outcome.nanos());
                mostAllocated = Math.max(mostAllocated, outcome.allocated());
                if (outcome.allocated() > maxAllocated) {
                    return new Finding("allocation", "allocated " + outcome.allocated()
                            + " bytes, more than the budget of " + maxAllocated, null);
                }
            }
            return null;
        }

        private Outcome decode(byte[] input) {
            startedNanos = System.nanoTime();
            current = input;
            long before = Allocations.current();
            Throwable thrown = null;
            try {
                target.decode(input);
            } catch (Throwable t) {
                thrown = t;
            }
            long allocated = Allocations.current() - before;
            long nanos = System.nanoTime() - startedNanos;
            current = null;
            return new Outcome(thrown, allocated, nanos);
        }

        private void report(byte[] input, Finding finding, long seed, String which) {
            if (finding == null) {
                return;
            }
            byte[] shrunk = shrink(input, finding.kind());
            Finding last = check(shrunk, true);
            throw new AssertionError(name + ": " + which + " (seed " + seed + ") " + finding.text() + "; shrunk from "
                    + input.length + " to " + shrunk.length + " bytes, which " + (last == null ? "passes alone?!" : last.text())
                    + ": " + hex(shrunk), finding.cause());
        }

        /**
         * Cuts the tail while the same kind of finding remains, then removes ever smaller slices, then zeroes bytes;
         * gives up after {@link #SHRINK_TIME} with the smallest input found so far.
         */
        private byte[] shrink(byte[] input, String kind) {
            long deadline = System.nanoTime() + SHRINK_TIME.toNanos();
            byte[] best = input;
            for (int keep = best.length / 2; keep > 0 && sameFinding(Arrays.copyOf(best, keep), kind); keep = best.length / 2) {
                best = Arrays.copyOf(best, keep);
            }
            for (int slice = Math.max(1, best.length / 2); slice >= 1 && System.nanoTime() < deadline; slice /= 2) {
                for (int at = 0; at + slice <= best.length && System.nanoTime() < deadline; ) {
                    byte[] candidate = splice(Arrays.copyOf(best, at), at, best, at + slice);
                    if (sameFinding(candidate, kind)) {
                        best = candidate;
                    } else {
                        at += slice;
                    }
                }
            }
            for (int i = 0; i < best.length && System.nanoTime() < deadline; i++) {
                if (best[i] != 0) {
                    byte[] candidate = best.clone();
                    candidate[i] = 0;
                    if (sameFinding(candidate, kind)) {
                        best = candidate;
                    }
                }
            }
            return best;
        }

        private boolean sameFinding(byte[] candidate, String kind) {
            Finding f = check(candidate, true);
            return f != null && f.kind().equals(kind);
        }
    }
}
