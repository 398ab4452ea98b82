package io.lwt.testsupport;

import io.lwt.api.Config;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunDriver;
import io.lwt.api.tun.TunOptions;
import io.lwt.api.tun.TunProvider;
import io.lwt.api.tun.VirtioNetHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory TUN driver for tests without root: each device has two queues standing in for the kernel. A test
 * {@linkplain Device#inject injects} packets as if the kernel routed them into the device, and
 * {@linkplain Device#awaitWritten awaits} the packets the tunnel wrote to it.
 *
 * <p>{@link #withOffloads()} makes devices with offloads, which move every packet with a {@link VirtioNetHeader}
 * before it, as Linux does with IFF_VNET_HDR: a test can inject a TCP super-segment, and sees what the tunnel wrote
 * with its header.
 *
 * <p>Also a {@link TunProvider} named {@code memory}, for tests that build a registry of providers by hand; devices
 * it opens are found with {@link #device(String)}. It is deliberately not declared with {@code provides}: a test
 * kit must never be discovered by a real launcher.
 */
public final class MemoryTun implements TunProvider, TunDriver {

    private static final Map<String, Device> DEVICES = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger();

    private final boolean offloads;

    /** A driver of devices without offloads. */
    public MemoryTun() {
        this(false);
    }

    private MemoryTun(boolean offloads) {
        this.offloads = offloads;
    }

    /** A driver of devices with offloads. */
    public static MemoryTun withOffloads() {
        return new MemoryTun(true);
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public TunDriver create(Config config) {
        config.requireOnly(Set.of());
        return this;
    }

    @Override
    public Device open(TunOptions options) throws IOException {
        String name = options.name() != null ? options.name() : "mem" + NEXT.getAndIncrement();
        Device device = new Device(name, options, offloads);
        if (DEVICES.putIfAbsent(name, device) != null) {
            throw new IOException("device name " + name + " is in use");
        }
        return device;
    }

    /** The open device of that name, or null. */
    public static Device device(String name) {
        return DEVICES.get(name);
    }

    /** One in-memory device. */
    public static final class Device implements TunDevice {
        private static final byte[] CLOSED = new byte[0];

        private final String name;
        private final TunOptions options;
        private final LinkedBlockingQueue<byte[]> fromKernel = new LinkedBlockingQueue<>();
        private final LinkedBlockingQueue<byte[]> toKernel = new LinkedBlockingQueue<>();
        private final boolean offloads;
        private volatile boolean closed;

        Device(String name, TunOptions options, boolean offloads) {
            this.name = name;
            this.options = options;
            this.offloads = offloads;
        }

        @Override
        public boolean offloads() {
            return offloads;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int mtu() {
            return options.mtu();
        }

        public TunOptions options() {
            return options;
        }

        /**
         * Makes the tunnel read this packet from the device, as if the kernel had routed it there (with an empty
         * header on a device with offloads).
         */
        public void inject(byte[] packet) {
            if (packet.length > options.mtu()) {
                throw new IllegalArgumentException("packet of " + packet.length + " bytes exceeds mtu " + options.mtu());
            }
            fromKernel.add(offloads ? withHeader(VirtioNetHeader.NONE, packet) : packet.clone());
        }

        /** On a device with offloads: makes the tunnel read this packet, e.g. a TCP super-segment, with this header. */
        public void inject(VirtioNetHeader header, byte[] packet) {
            if (!offloads || packet.length > TunOptions.MAX_MTU) {
                throw new IllegalArgumentException("a header needs offloads and a packet of at most " + TunOptions.MAX_MTU);
            }
            fromKernel.add(withHeader(header, packet));
        }

        private static byte[] withHeader(VirtioNetHeader header, byte[] packet) {
            ByteBuffer b = ByteBuffer.allocate(VirtioNetHeader.LENGTH + packet.length);
            header.write(b, 0);
            return b.put(VirtioNetHeader.LENGTH, packet).array();
        }

        /**
         * The next packet the tunnel wrote to this device, or null if none came within {@code timeout}; on a device
         * with offloads, its {@link VirtioNetHeader#LENGTH} bytes of header come first.
         */
        public byte[] awaitWritten(Duration timeout) throws InterruptedException {
            return toKernel.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public boolean isClosed() {
            return closed;
        }

        @Override
        public int read(ByteBuffer[] packets) throws IOException {
            byte[] first;
            try {
                first = fromKernel.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedChannelException();
            }
            int n = 0;
            for (byte[] p = first; p != null; p = fromKernel.poll()) {
                if (p == CLOSED) {
                    fromKernel.add(CLOSED); // keep later reads failing too
                    if (n == 0) {
                        throw new ClosedChannelException();
                    }
                    break;
                }
                ByteBuffer b = packets[n++];
                int header = offloads ? VirtioNetHeader.LENGTH : 0; // the header goes just before the position
                b.put(b.position() - header, p).limit(b.position() - header + p.length);
                if (n == packets.length) {
                    break;
                }
            }
            return n;
        }

        @Override
        public void write(ByteBuffer[] packets, int count) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            for (int i = 0; i < count; i++) {
                ByteBuffer b = packets[i];
                int header = offloads ? VirtioNetHeader.LENGTH : 0;
                byte[] copy = new byte[header + b.remaining()];
                b.get(b.position() - header, copy);
                toKernel.add(copy);
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                DEVICES.remove(name, this);
                fromKernel.add(CLOSED);
            }
        }
    }
}
