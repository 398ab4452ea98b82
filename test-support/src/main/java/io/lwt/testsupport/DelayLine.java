package io.lwt.testsupport;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The delay of a long link, between two interfaces of a router namespace, for tests and benchmarks on a kernel
 * without {@code sch_netem}. Everything that arrives on one interface is routed (policy rules on the incoming
 * interface) into a TUN device of this program, held for its delay, and written back into that device, from
 * which the kernel forwards it out of the other interface by its usual routes. Loss and rate limits stay in the kernel
 * (nftables {@code numgen random}, {@code tbf}), which does them at no cost to this process.
 *
 * <p>Each direction has its own reader and writer thread and a FIFO of packets due at {@code arrival + delay ±
 * jitter}, never before the packet ahead of it: a link delays, it does not reorder. A packet that finds every slot
 * taken is dropped and counted, as a full router queue would. On SIGTERM it prints what it forwarded and dropped and
 * the CPU time it used, so a benchmark can tell its cost from the tunnel's.
 *
 * <pre>ip netns exec ROUTER java -cp test-support.jar --enable-native-access=ALL-UNNAMED \
 *     io.lwt.testsupport.DelayLine veth-a veth-b 20ms [JITTER] [SLOTS]</pre>
 *
 * Run inside a namespace the caller made: it adds policy rules and routes there, and turns off reverse-path
 * filtering there, because forwarded packets come back in through a device that is not their route.
 */
public final class DelayLine {

    /** The line a caller waits for before sending traffic. */
    public static final String READY = "delay line ready";

    private static final int MTU = 1500; // each device's: what the kernel sends it is cut to this, one packet a read

    private DelayLine() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 5) {
            System.err.println("usage: DelayLine INTERFACE_A INTERFACE_B DELAY [JITTER [SLOTS]]  (e.g. veth-a veth-b 20ms 1ms 4096)");
            System.exit(2);
        }
        String a = args[0];
        String b = args[1];
        Duration delay = duration(args[2]);
        Duration jitter = args.length > 3 ? duration(args[3]) : Duration.ZERO;
        int slots = args.length > 4 ? Integer.parseInt(args[4]) : 4096;

        // what arrives on an interface is routed into its own device, read there, and written back into it once
        // due: the kernel then takes it as arriving on that device and forwards it by the main table
        String deviceA = "dl-" + shortName(a);
        String deviceB = "dl-" + shortName(b);
        List<Direction> directions = List.of(
                new Direction(a + " -> " + b, Tun.open(deviceA), delay, jitter, slots),
                new Direction(b + " -> " + a, Tun.open(deviceB), delay, jitter, slots));
        route(a, deviceA, 101);
        route(b, deviceB, 102);
        for (String setting : List.of("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1")) {
            sysctl(setting);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            StringBuilder line = new StringBuilder("delay line:");
            for (Direction d : directions) {
                line.append(' ').append(d.summary()).append(';');
            }
            Duration cpu = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
            System.out.println(line.append(" CPU ").append(cpu.toMillis()).append(" ms"));
        }));
        directions.forEach(Direction::start);
        System.out.println(READY + ": " + a + " <-> " + b + ", delay " + delay.toMillis() + " ms ± "
                + jitter.toMillis() + " ms each way, " + slots + " slots each way");
        Thread.currentThread().join(); // until SIGTERM
    }

    /** Packets arriving on {@code from} go into {@code device}, whatever their destination. */
    private static void route(String from, String device, int table) throws IOException, InterruptedException {
        ip("link", "set", device, "mtu", Integer.toString(MTU), "up");
        ip("route", "add", "default", "dev", device, "table", Integer.toString(table));
        ip("-6", "route", "add", "default", "dev", device, "table", Integer.toString(table));
        ip("rule", "add", "iif", from, "lookup", Integer.toString(table));
        ip("-6", "rule", "add", "iif", from, "lookup", Integer.toString(table));
        sysctl("net.ipv4.conf." + device + ".rp_filter=0");
    }

    private static void ip(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        run(command);
    }

    private static void sysctl(String assignment) throws IOException, InterruptedException {
        run(List.of("sysctl", "-q", "-w", assignment));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    private static String shortName(String device) {
        return device.length() > 12 ? device.substring(device.length() - 12) : device;
    }

    static Duration duration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofNanos(Math.round(Double.parseDouble(text.substring(0, text.length() - 2)) * 1e6));
        }
        if (text.endsWith("s")) {
            return Duration.ofNanos(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1e9));
        }
        throw new IllegalArgumentException("a duration is like 20ms or 0.5s, not '" + text + "'");
    }

    /**
     * One way through the line, on its own device: a reader that stamps each packet with its due time, a writer that
     * waits for it (a TUN device takes one reader and one writer at once).
     */
    private static final class Direction {
        private final String name;
        private final int device;
        private final long delayNanos;
        private final long jitterNanos;
        private final BlockingQueue<Frame> free;
        private final BlockingQueue<Frame> queued;
        private final AtomicLong forwarded = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private long lastDue;

        Direction(String name, int device, Duration delay, Duration jitter, int slots) {
            this.name = name;
            this.device = device;
            this.delayNanos = delay.toNanos();
            this.jitterNanos = jitter.toNanos();
            this.free = new ArrayBlockingQueue<>(slots);
            this.queued = new ArrayBlockingQueue<>(slots);
            Arena arena = Arena.global();
            for (int i = 0; i < slots; i++) {
                free.add(new Frame(arena.allocate(MTU)));
            }
        }

        void start() {
            Thread.ofPlatform().daemon().name("delay-read " + name).start(this::read);
            Thread.ofPlatform().daemon().name("delay-write " + name).start(this::write);
        }

        private void read() {
            MemorySegment scratch = Arena.global().allocate(MTU);
            MemorySegment errno = Tun.errnoState();
            while (true) {
                Frame frame = free.poll();
                int length = Tun.read(device, frame != null ? frame.buffer : scratch, errno);
                if (frame == null) {
                    dropped.incrementAndGet();
                    continue;
                }
                long now = System.nanoTime();
                long jitter = jitterNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(-jitterNanos, jitterNanos + 1);
                lastDue = Math.max(lastDue, now + Math.max(0, delayNanos + jitter));
                frame.length = length;
                frame.due = lastDue;
                queued.add(frame); // never full: a frame comes from free, and both hold the same slots
            }
        }

        private void write() {
            MemorySegment errno = Tun.errnoState();
            while (true) {
                Frame frame;
                try {
                    frame = queued.take();
                } catch (InterruptedException e) {
                    return;
                }
                for (long wait; (wait = frame.due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
                Tun.write(device, frame.buffer, frame.length, errno);
                forwarded.incrementAndGet();
                free.add(frame);
            }
        }

        String summary() {
            return name + " forwarded " + forwarded.get() + ", dropped " + dropped.get();
        }
    }

    private static final class Frame {
        final MemorySegment buffer;
        int length;
        long due;

        Frame(MemorySegment buffer) {
            this.buffer = buffer;
        }
    }

    /** The few libc calls a TUN device needs, through the foreign function API. */
    private static final class Tun {
        private static final int O_RDWR = 2;
        private static final short IFF_TUN = 0x0001;
        private static final short IFF_NO_PI = 0x1000;
        private static final long TUNSETIFF = 0x400454caL;
        private static final int IFNAMSIZ = 16;
        private static final int IFREQ_BYTES = 40;

        private static final Linker LINKER = Linker.nativeLinker();
        private static final MemoryLayout ERRNO = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO_VALUE =
                ERRNO.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
        private static final MethodHandle OPEN = function("open",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE);
        private static final MethodHandle IOCTL = function("ioctl",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
                Linker.Option.firstVariadicArg(2), CAPTURE);
        private static final MethodHandle READ = function("read",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                CAPTURE);
        private static final MethodHandle WRITE = function("write",
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                CAPTURE);

        private static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, options);
        }

        /** A new TUN device of that name (no packet information header); it lasts while this process does. */
        static int open(String name) throws IOException {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment errno = arena.allocate(ERRNO);
                int fd = (int) OPEN.invokeExact(errno, arena.allocateFrom("/dev/net/tun"), O_RDWR);
                if (fd < 0) {
                    throw new IOException("cannot open /dev/net/tun: errno " + errno(errno));
                }
                MemorySegment request = arena.allocate(IFREQ_BYTES);
                request.copyFrom(arena.allocateFrom(name).asSlice(0, Math.min(name.length(), IFNAMSIZ - 1)));
                request.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
                if ((int) IOCTL.invokeExact(errno, fd, TUNSETIFF, request) < 0) {
                    throw new IOException("cannot create TUN device " + name + ": errno " + errno(errno));
                }
                return fd;
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** Room for the errno of one thread's calls, allocated once: a packet's path allocates nothing. */
        static MemorySegment errnoState() {
            return Arena.global().allocate(ERRNO);
        }

        static int read(int fd, MemorySegment buffer, MemorySegment errno) {
            return (int) transfer(READ, fd, buffer, buffer.byteSize(), errno, "read");
        }

        static void write(int fd, MemorySegment buffer, int length, MemorySegment errno) {
            transfer(WRITE, fd, buffer, length, errno, "write");
        }

        private static long transfer(MethodHandle call, int fd, MemorySegment buffer, long length, MemorySegment errno,
                String what) {
            try {
                long n = (long) call.invokeExact(errno, fd, buffer, length);
                if (n < 0) {
                    throw new IllegalStateException("TUN " + what + " failed: errno " + errno(errno));
                }
                return n;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        private static int errno(MemorySegment state) {
            return (int) ERRNO_VALUE.get(state, 0L);
        }
    }
}
