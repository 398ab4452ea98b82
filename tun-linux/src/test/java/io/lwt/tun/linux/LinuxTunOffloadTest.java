package io.lwt.tun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.IpPrefix;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunDriver;
import io.lwt.api.tun.TunOptions;
import io.lwt.api.tun.VirtioNetHeader;
import io.lwt.testsupport.E2e;
import io.lwt.testsupport.LogCapture;
import io.lwt.testsupport.Netns;
import io.lwt.testsupport.TestPackets;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TUN offloads on real devices, each inside a network namespace of the test's own (root only): the virtio header
 * before each packet, TCP super-segments longer than the MTU, the attach mode, and the fallback when the kernel
 * refuses.
 */
class LinuxTunOffloadTest {

    /** Where the pings' output goes; removed after each test. */
    @TempDir
    Path logs;

    private static final TunDriver LINUX = new LinuxTunProvider().create(Config.empty("tun.linux", Config.Location.of("test")));
    private static final TunDriver PLAIN = driver("offload", "false");
    private static final int MTU = 1400;
    private static final int MSS = 1000;
    private static final int IFF_VNET_HDR = 0x4000;
    private static final int HEADROOM = TcpThroughTun.HEADROOM;

    private Netns ns;

    @BeforeEach
    void namespace() {
        E2e.requireRoot();
        ns = Netns.create("tunoff");
    }

    @AfterEach
    void deleteNamespace() {
        if (ns != null) {
            ns.close();
        }
    }

    private static TunDriver driver(String... keysAndValues) {
        Config.Builder config = Config.builder("tun.linux", Config.Location.of("test"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new LinuxTunProvider().create(config.build());
    }

    private TunDevice open(TunDriver driver, TunOptions options) throws Exception {
        return InNamespace.call(ns, () -> driver.open(options));
    }

    private TunDevice open(TunDriver driver) throws Exception {
        return open(driver, new TunOptions("lwtt0", IpPrefix.parse("10.77.0.1/24"), MTU));
    }

    /** The device's TUN flags as the kernel shows them (sysfs of the namespace, which ip netns exec mounts). */
    private int tunFlags(String device) {
        String flags = ns.exec("cat", "/sys/class/net/" + device + "/tun_flags").orThrow().output().strip();
        return Integer.decode(flags);
    }

    /** Closes the device after a while, which ends a read that waits for a packet that never comes. */
    private static AutoCloseable watchdog(TunDevice device) {
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(20_000);
                device.close();
            } catch (InterruptedException | IOException done) {
                // the test finished in time
            }
        });
        return thread::interrupt;
    }

    private static boolean installed(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    @Test
    void offloadsAreOnByDefault() throws Exception {
        try (TunDevice device = open(LINUX)) {
            assertTrue(device.offloads());
            assertEquals(0x1001 | IFF_VNET_HDR, tunFlags("lwtt0"), "IFF_TUN | IFF_NO_PI | IFF_VNET_HDR");
            if (installed("ethtool")) { // not needed to build or test: the kernel's word, where the tool is at hand
                String features = ns.exec("ethtool", "-k", "lwtt0").orThrow().output();
                assertTrue(features.contains("tcp-segmentation-offload: on"), features);
            }
            ByteBuffer noHeadroom = ByteBuffer.allocateDirect(TunOptions.MAX_MTU);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> device.read(new ByteBuffer[] {noHeadroom}));
            assertTrue(e.getMessage().contains("needs 10 bytes of headroom"), e.getMessage());
        }
    }

    @Test
    void tcpLeavesAsSuperSegmentsWithTheirHeader() throws Exception {
        try (TunDevice device = open(LINUX); AutoCloseable timeout = watchdog(device)) {
            superSegments(device, "10.77.0.1", "10.77.0.2", VirtioNetHeader.GSO_TCPV4, 20);
        }
    }

    @Test
    void tcpOverIpv6LeavesAsSuperSegmentsToo() throws Exception {
        TunOptions dualStack = new TunOptions("lwtt0", IpPrefix.parse("10.77.0.1/24"), IpPrefix.parse("fd00:77::1/64"), MTU,
                List.of());
        try (TunDevice device = open(LINUX, dualStack); AutoCloseable timeout = watchdog(device)) {
            superSegments(device, "fd00:77::1", "fd00:77::2", VirtioNetHeader.GSO_TCPV6, 40);
        }
    }

    /**
     * A socket in the namespace connects to an address the test plays through the device, and writes 64 KiB at once:
     * its SYN comes with a header that asks for the checksum, and its data as super-segments of the announced MSS.
     */
    private void superSegments(TunDevice device, String socketAddress, String testAddress, int gsoType, int ipHeader)
            throws Exception {
        assertTrue(device.offloads());
        try (TcpThroughTun tcp = TcpThroughTun.connect(ns, device, socketAddress, testAddress, 5201, MSS)) {
            VirtioNetHeader syn = tcp.syn().header();
            assertEquals(VirtioNetHeader.GSO_NONE, syn.gsoType(), syn.toString());
            assertTrue(syn.needsChecksum(), "the SYN's checksum is left to the device: " + syn);
            assertEquals(ipHeader, syn.csumStart(), syn.toString());
            assertEquals(16, syn.csumOffset(), syn.toString());

            tcp.socketSends(64 * 1024);
            List<TcpThroughTun.Packet> data = tcp.receive(64 * 1024, p -> p.header().isGso());
            TcpThroughTun.Packet last = data.getLast();
            VirtioNetHeader header = last.header();
            assertTrue(header.isGso(), "no super-segment among " + data.size() + " data segments");
            assertEquals(gsoType, header.gsoType(), header.toString());
            assertEquals(MSS, header.gsoSize(), header.toString());
            assertTrue(header.needsChecksum(), header.toString());
            assertEquals(ipHeader, header.csumStart(), header.toString());
            assertEquals(16, header.csumOffset(), header.toString());
            assertTrue(last.bytes().length > MTU, "a super-segment is longer than the MTU: " + last.bytes().length);
            assertEquals(last.ipLength(), last.bytes().length, "the IP header counts the whole super-segment");
            assertTrue(last.payloadLength() > MSS, "more than one segment's payload: " + last.payloadLength());
        }
    }

    @Test
    void withoutOffloadsTcpLeavesInSegmentsOfTheMtu() throws Exception {
        try (TunDevice device = open(PLAIN); AutoCloseable timeout = watchdog(device)) {
            assertFalse(device.offloads());
            assertEquals(0x1001, tunFlags("lwtt0"), "IFF_TUN | IFF_NO_PI, no IFF_VNET_HDR");
            plainSegments(device);
        }
    }

    /** 32 KiB of a bulk transfer, every packet at most the MTU and no header before it. */
    private void plainSegments(TunDevice device) throws Exception {
        try (TcpThroughTun tcp = TcpThroughTun.connect(ns, device, "10.77.0.1", "10.77.0.2", 5202, MSS)) {
            assertEquals(null, tcp.syn().header());
            tcp.socketSends(64 * 1024);
            List<TcpThroughTun.Packet> data = tcp.receive(32 * 1024, p -> false);
            for (TcpThroughTun.Packet p : data) {
                assertTrue(p.bytes().length <= MTU, "a packet of " + p.bytes().length);
                assertEquals(p.ipLength(), p.bytes().length);
                assertTrue(p.payloadLength() <= MSS, "a segment of " + p.payloadLength());
            }
        }
    }

    @Test
    void aPacketWithAnEmptyHeaderIsDelivered() throws Exception {
        try (TunDevice device = open(LINUX); AutoCloseable timeout = watchdog(device)) {
            pingAnswered(device);
        }
    }

    /**
     * A ping from the namespace to 10.77.0.2, answered through the device: with offloads, the request comes with a
     * header that asks nothing (ICMP has no checksum offload), and the reply goes with {@link VirtioNetHeader#NONE}.
     */
    private void pingAnswered(TunDevice device) throws Exception {
        Path log = Files.createTempFile(logs, "ping", ".log");
        Netns.Running ping = ns.start(List.of("ping", "-c", "1", "-W", "5", "10.77.0.2"), log);
        ByteBuffer[] batch = {ByteBuffer.allocateDirect(HEADROOM + TunOptions.MAX_MTU)};
        ByteBuffer request;
        do { // skip what else the kernel sends on a new link (IPv6 router solicitations)
            batch[0].clear().position(HEADROOM);
            assertEquals(1, device.read(batch));
            request = batch[0];
        } while (request.get(request.position()) != 0x45 || request.get(request.position() + 9) != 1);
        assertEquals(HEADROOM, request.position());
        if (device.offloads()) {
            VirtioNetHeader header = VirtioNetHeader.read(request, HEADROOM - VirtioNetHeader.LENGTH);
            assertFalse(header.isGso() || header.needsChecksum(), header.toString());
        }
        byte[] packet = new byte[request.remaining()];
        request.get(request.position(), packet);
        assertEquals(packet.length, Short.toUnsignedInt(ByteBuffer.wrap(packet).getShort(2)), "the limit is the packet's end");

        byte[] reply = echoReply(packet);
        ByteBuffer out = ByteBuffer.allocateDirect(HEADROOM + reply.length);
        out.position(HEADROOM).put(reply).position(HEADROOM);
        for (int i = 0; i < HEADROOM; i++) {
            out.put(i, (byte) 0xee); // what the header would be read from if the device took none, or took it elsewhere
        }
        if (device.offloads()) {
            VirtioNetHeader.NONE.write(out, HEADROOM - VirtioNetHeader.LENGTH);
        }
        device.write(new ByteBuffer[] {out}, 1);
        assertEquals(HEADROOM, out.position(), "write leaves the position");
        assertTrue(ping.process().waitFor(10, TimeUnit.SECONDS), "ping finished");
        assertEquals(0, ping.process().exitValue(), "ping got its reply: " + ping.log());
    }

    private static byte[] echoReply(byte[] request) {
        byte[] reply = request.clone();
        System.arraycopy(request, 12, reply, 16, 4);
        System.arraycopy(request, 16, reply, 12, 4);
        reply[10] = 0;
        reply[11] = 0;
        ByteBuffer.wrap(reply).putShort(10, TestPackets.checksum(reply, 0, 20));
        reply[20] = 0;
        reply[22] = 0;
        reply[23] = 0;
        ByteBuffer.wrap(reply).putShort(22, TestPackets.checksum(reply, 20, reply.length - 20));
        return reply;
    }

    @Test
    void aPersistentDeviceIsAttachedWithOffloadsOnAndThenOff() throws Exception {
        ns.exec("ip", "tuntap", "add", "dev", "lwtp0", "mode", "tun").orThrow();
        ns.exec("ip", "addr", "add", "10.77.0.1/24", "dev", "lwtp0").orThrow();
        ns.exec("ip", "link", "set", "lwtp0", "mtu", String.valueOf(MTU), "up").orThrow();
        TunOptions options = new TunOptions("lwtp0", IpPrefix.parse("10.77.0.1/24"), MTU);
        try (TunDevice device = open(driver("configure", "false"), options); AutoCloseable timeout = watchdog(device)) {
            assertTrue(device.offloads());
            assertEquals(IFF_VNET_HDR, tunFlags("lwtp0") & IFF_VNET_HDR);
            superSegments(device, "10.77.0.1", "10.77.0.2", VirtioNetHeader.GSO_TCPV4, 20);
        }
        // the device keeps what its last user turned on: without offloads, the driver turns them off again
        try (TunDevice device = open(driver("configure", "false", "offload", "false"), options);
                AutoCloseable timeout = watchdog(device)) {
            assertFalse(device.offloads());
            assertEquals(0, tunFlags("lwtp0") & IFF_VNET_HDR);
            plainSegments(device);
        }
    }

    @Test
    void aNameInUseIsTheSameClearErrorWithOffloads() throws Exception {
        List<LogCapture.Line> warnings = new CopyOnWriteArrayList<>();
        try (LogCapture capture = LogCapture.of(TunAttachment.class.getName(), line -> {
                    if (line.level().equals("WARNING")) {
                        warnings.add(line);
                    }
                })) {
            IOException lo = assertThrows(IOException.class,
                    () -> open(LINUX, new TunOptions("lo", IpPrefix.parse("10.77.1.1/24"), MTU)));
            assertEquals("cannot create TUN device lo: the name is in use by a device that is not a TUN device",
                    lo.getMessage());
            try (TunDevice first = open(LINUX)) {
                IOException taken = assertThrows(IOException.class, () -> open(LINUX));
                assertEquals("cannot create TUN device lwtt0: the name is in use", taken.getMessage());
            }
        }
        assertEquals(List.of(), warnings, "no word of offloads");
    }

    @Test
    void refusedOffloadsFallBackToPlainPacketsWithOneWarning() throws Exception {
        List<LogCapture.Line> warnings = new CopyOnWriteArrayList<>();
        TunOptions options = new TunOptions(null, IpPrefix.parse("10.77.0.1/24"), MTU); // the kernel names it
        int unknownFlag = 1 << 30; // set_offload refuses flags it does not know with EINVAL
        try (LogCapture capture = LogCapture.of(TunAttachment.class.getName(), line -> {
                    if (line.level().equals("WARNING")) {
                        warnings.add(line);
                    }
                });
                TunDevice device = InNamespace.call(ns,
                        () -> LinuxTunDevice.open(options, true, TunAttachment.OFFLOADS | unknownFlag));
                AutoCloseable timeout = watchdog(device)) {
            assertFalse(device.offloads());
            assertEquals(0, tunFlags(device.name()) & IFF_VNET_HDR);
            assertEquals(1, warnings.size(), warnings.toString());
            assertEquals(List.of(device.name(), "TUNSETOFFLOAD 0x4000000f: Invalid argument (errno 22)"),
                    warnings.getFirst().parameters());
            String links = ns.exec("ip", "-o", "link", "show", "type", "tun").orThrow().output();
            assertEquals(1, links.lines().count(), "the first try left nothing behind: " + links);
            assertTrue(ns.exec("ip", "-o", "addr", "show", "dev", device.name()).orThrow().output()
                    .contains("inet 10.77.0.1/24"));
            pingAnswered(device);
        }
    }
}
