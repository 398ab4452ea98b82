package io.lwt.tun.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lwt.api.Config;
import io.lwt.api.IpPrefix;
import io.lwt.api.tun.TunDevice;
import io.lwt.api.tun.TunDriver;
import io.lwt.api.tun.TunOptions;
import io.lwt.testsupport.E2e;
import io.lwt.testsupport.LogCapture;
import io.lwt.testsupport.Netns;
import io.lwt.testsupport.TestPackets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TUN devices, each created inside a network namespace of the test's own (root only). Plain packets, offloads
 * off: {@link LinuxTunOffloadTest} covers the default, with offloads.
 */
class LinuxTunDeviceTest {

    /** Where the pings' output goes; removed after each test. */
    @TempDir
    Path logs;

    private static final TunDriver LINUX = new LinuxTunProvider().create(Config.builder("tun.linux", Config.Location.of("test"))
            .put("offload", "false").build());

    private Netns ns;

    @BeforeEach
    void namespace() {
        E2e.requireRoot();
        ns = Netns.create("tun");
    }

    @AfterEach
    void deleteNamespace() {
        if (ns != null) {
            ns.close();
        }
    }

    private <T> T inNamespace(Callable<T> action) throws Exception {
        return InNamespace.call(ns, action);
    }

    private TunDevice open(String name, String address, int mtu) throws Exception {
        return inNamespace(() -> LINUX.open(new TunOptions(name, IpPrefix.parse(address), mtu)));
    }

    @Test
    void configuresTheDeviceInsideTheNamespaceOnly() throws Exception {
        try (TunDevice device = open("lwtt0", "10.77.0.1/24", 1400)) {
            assertEquals("lwtt0", device.name());
            String addr = ns.exec("ip", "-o", "addr", "show", "dev", "lwtt0").orThrow().output();
            assertTrue(addr.contains("inet 10.77.0.1/24"), addr);
            String link = ns.exec("ip", "-o", "link", "show", "dev", "lwtt0").orThrow().output();
            assertTrue(link.contains("mtu 1400") && link.contains(",UP"), link);
            assertFalse(new ProcessBuilder("ip", "link", "show", "dev", "lwtt0").start().waitFor() == 0,
                    "not in the root namespace");
        }
        assertFalse(ns.exec("ip", "link", "show", "dev", "lwtt0").ok(), "closing removes the device");
    }

    @Test
    void routesGoIntoTheDevice() throws Exception {
        List<IpPrefix> routes = List.of(IpPrefix.parse("192.168.50.0/24"), IpPrefix.parse("172.16.0.0/12"));
        try (TunDevice device = inNamespace(() -> LINUX.open(
                new TunOptions("lwtt0", IpPrefix.parse("10.77.0.1/24"), 1400, routes)))) {
            String table = ns.exec("ip", "-4", "route", "show", "dev", "lwtt0").orThrow().output();
            assertTrue(table.contains("192.168.50.0/24") && table.contains("172.16.0.0/12"), table);
        }
    }

    @Test
    void attachesToAPersistentDeviceConfiguredByAnAdministrator() throws Exception {
        ns.exec("ip", "tuntap", "add", "dev", "lwtp0", "mode", "tun").orThrow();
        ns.exec("ip", "addr", "add", "10.77.0.5/24", "dev", "lwtp0").orThrow();
        ns.exec("ip", "link", "set", "lwtp0", "mtu", "1400", "up").orThrow();
        TunDriver attach = new LinuxTunProvider().create(Config.builder("tun.linux", Config.Location.of("test"))
                .put("configure", "false").put("offload", "false").build());
        IOException wrong = assertThrows(IOException.class,
                () -> inNamespace(() -> attach.open(new TunOptions("lwtp0", IpPrefix.parse("10.77.0.1/24"), 1400))));
        assertEquals("lwtp0 has address 10.77.0.5, but this node's is 10.77.0.1", wrong.getMessage());
        try (TunDevice device = inNamespace(() -> attach.open(new TunOptions("lwtp0", IpPrefix.parse("10.77.0.5/24"), 1400)))) {
            assertEquals("lwtp0", device.name());
            assertFalse(device.offloads());
        }
        assertTrue(ns.exec("ip", "link", "show", "dev", "lwtp0").ok(), "a persistent device outlives its user");
    }

    @Test
    void kernelChoosesANameWhenNoneIsGiven() throws Exception {
        try (TunDevice device = inNamespace(() -> LINUX.open(new TunOptions(null, IpPrefix.parse("10.77.0.1/24"), 1400)))) {
            assertTrue(device.name().startsWith("lwt"), device.name());
            assertTrue(ns.exec("ip", "link", "show", "dev", device.name()).ok());
        }
    }

    @Test
    void pingIsReadFromTheDeviceAndAnsweredThroughIt() throws Exception {
        try (TunDevice device = open("lwtt0", "10.77.0.1/24", 1400)) {
            assertFalse(device.offloads());
            Path log = Files.createTempFile(logs, "ping", ".log");
            Netns.Running ping = ns.start(List.of("ping", "-c", "1", "-W", "5", "10.77.0.2"), log);
            ByteBuffer[] batch = {ByteBuffer.allocateDirect(64 + 1400)};
            ByteBuffer request;
            do { // skip what else the kernel sends on a new link (IPv6 router solicitations)
                batch[0].clear().position(64).limit(64 + 1400);
                assertEquals(1, device.read(batch));
                request = batch[0];
            } while (request.get(request.position()) != 0x45 || request.get(request.position() + 9) != 1);
            assertEquals(64, request.position(), "packet lands at the caller's headroom");
            byte[] packet = new byte[request.remaining()];
            request.get(request.position(), packet);
            assertEquals(0x0a4d0002, ByteBuffer.wrap(packet).getInt(16), "echo request to 10.77.0.2");
            assertEquals(8, packet[20], "ICMP echo request");

            byte[] reply = echoReply(packet);
            ByteBuffer out = ByteBuffer.allocateDirect(64 + reply.length);
            out.position(64).put(reply).position(64);
            device.write(new ByteBuffer[] {out}, 1);
            assertTrue(ping.process().waitFor(10, TimeUnit.SECONDS), "ping finished");
            assertEquals(0, ping.process().exitValue(), "ping got its reply: " + ping.log());
        }
    }

    /** Turns an ICMP echo request into the reply: swap addresses, type 0, fresh checksums. */
    private static byte[] echoReply(byte[] request) {
        byte[] reply = request.clone();
        System.arraycopy(request, 12, reply, 16, 4);
        System.arraycopy(request, 16, reply, 12, 4);
        int headerLength = (reply[0] & 0x0f) * 4;
        reply[10] = 0;
        reply[11] = 0;
        ByteBuffer.wrap(reply).putShort(10, TestPackets.checksum(reply, 0, headerLength));
        reply[headerLength] = 0;
        reply[headerLength + 2] = 0;
        reply[headerLength + 3] = 0;
        ByteBuffer.wrap(reply).putShort(headerLength + 2,
                TestPackets.checksum(reply, headerLength, reply.length - headerLength));
        return reply;
    }

    @Test
    void aPacketLongerThanTheBufferIsDroppedWithAWarningNotCut() throws Exception {
        List<LogCapture.Line> warnings = new CopyOnWriteArrayList<>();
        try (TunDevice device = open("lwtt0", "10.77.0.1/24", 1400);
                LogCapture capture = LogCapture.of(LinuxTunDevice.class.getName(), line -> {
                    if (line.level().equals("WARNING")) {
                        warnings.add(line);
                    }
                })) {
            Path log = Files.createTempFile(logs, "ping", ".log");
            ns.start(List.of("ping", "-c", "1", "-s", "1000", "10.77.0.2"), log);
            ns.start(List.of("ping", "-c", "20", "-i", "0.05", "-s", "20", "10.77.0.2"), log);
            ByteBuffer[] batch = {ByteBuffer.allocateDirect(200)};
            ByteBuffer small = batch[0];
            do { // small requests until the 1028-byte one has come (and gone) between them
                do { // skip the kernel's IPv6 chatter
                    batch[0].clear().position(64).limit(64 + 100);
                    assertEquals(1, device.read(batch));
                } while (small.get(small.position()) != 0x45 || small.get(small.position() + 9) != 1);
                assertEquals(48, small.remaining(), "a small request, whole");
            } while (warnings.isEmpty());
            assertEquals(List.of("lwtt0", "1028", "100", "1"), warnings.getFirst().parameters());
            do { // a buffer just as long as the packet is not taken for a cut one
                batch[0].clear().position(64).limit(64 + 48);
                assertEquals(1, device.read(batch));
            } while (small.get(small.position()) != 0x45 || small.get(small.position() + 9) != 1);
            assertEquals(48, small.remaining());
            assertEquals(1, warnings.size(), warnings.toString());
        }
    }

    @Test
    void closeWakesABlockedRead() throws Exception {
        TunDevice device = open("lwtt0", "10.77.0.1/24", 1400);
        CompletableFuture<Throwable> reader = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                ByteBuffer[] batch = {ByteBuffer.allocateDirect(1500)};
                while (true) {
                    batch[0].clear();
                    device.read(batch); // whatever the kernel sends, until closed
                }
            } catch (IOException e) {
                reader.complete(e);
            }
        });
        Thread.sleep(200); // let the reader block in poll: there is no signal for "blocked"
        device.close();
        assertInstanceOf(ClosedChannelException.class, reader.get(5, TimeUnit.SECONDS));
    }

    @Test
    void clearErrorsForNamesInUse() throws Exception {
        try (TunDevice first = open("lwtt0", "10.77.0.1/24", 1400)) {
            IOException taken = assertThrows(IOException.class, () -> open("lwtt0", "10.77.1.1/24", 1400));
            assertEquals("cannot create TUN device lwtt0: the name is in use", taken.getMessage());
        }
        IOException lo = assertThrows(IOException.class, () -> open("lo", "10.77.1.1/24", 1400));
        assertEquals("cannot create TUN device lo: the name is in use by a device that is not a TUN device",
                lo.getMessage());
    }

    private TunDevice openDualStack(String name, List<IpPrefix> routes) throws Exception {
        return inNamespace(() -> LINUX.open(new TunOptions(name, IpPrefix.parse("10.77.0.1/24"),
                IpPrefix.parse("fd00:77::1/64"), 1400, routes)));
    }

    @Test
    void configuresAnIpv6AddressAndIpv6RoutesBesideTheIpv4Ones() throws Exception {
        List<IpPrefix> routes = List.of(IpPrefix.parse("192.168.50.0/24"), IpPrefix.parse("fd00:50::/64"),
                IpPrefix.parse("2001:db8::/32"));
        try (TunDevice device = openDualStack("lwtt0", routes)) {
            String addr = ns.exec("ip", "-o", "addr", "show", "dev", "lwtt0").orThrow().output();
            assertTrue(addr.contains("inet 10.77.0.1/24") && addr.contains("inet6 fd00:77::1/64 scope global"), addr);
            String table = ns.exec("ip", "-6", "route", "show", "dev", "lwtt0").orThrow().output();
            assertTrue(table.contains("fd00:77::/64") && table.contains("fd00:50::/64") && table.contains("2001:db8::/32"),
                    table);
            assertTrue(ns.exec("ip", "-4", "route", "show", "dev", "lwtt0").orThrow().output().contains("192.168.50.0/24"));
        }
    }

    @Test
    void ping6IsReadFromTheDeviceAndAnsweredThroughIt() throws Exception {
        try (TunDevice device = openDualStack("lwtt0", List.of())) {
            Path log = Files.createTempFile(logs, "ping6", ".log");
            Netns.Running ping = ns.start(List.of("ping", "-6", "-c", "1", "-W", "5", "fd00:77::2"), log);
            ByteBuffer[] batch = {ByteBuffer.allocateDirect(64 + 1400)};
            ByteBuffer request;
            do { // skip the router solicitations and MLD reports of a new link (to ff02::)
                batch[0].clear().position(64).limit(64 + 1400);
                assertEquals(1, device.read(batch));
                request = batch[0];
            } while ((request.get(request.position()) & 0xf0) != 0x60 || request.get(request.position() + 6) != 58
                    || (request.get(request.position() + 24) & 0xff) == 0xff);
            byte[] packet = new byte[request.remaining()];
            request.get(request.position(), packet);
            assertEquals("fd00:77::1", IpPrefix.text(java.net.InetAddress.getByAddress(java.util.Arrays.copyOfRange(packet, 8, 24))),
                    "from the device's IPv6 address");
            assertEquals(128, packet[40] & 0xff, "ICMPv6 echo request");

            byte[] reply = echo6Reply(packet);
            ByteBuffer out = ByteBuffer.allocateDirect(64 + reply.length);
            out.position(64).put(reply).position(64);
            device.write(new ByteBuffer[] {out}, 1);
            assertTrue(ping.process().waitFor(10, TimeUnit.SECONDS), "ping finished");
            assertEquals(0, ping.process().exitValue(), "ping -6 got its reply: " + ping.log());
        }
    }

    /** Turns an ICMPv6 echo request into the reply: swap addresses, type 129, the checksum over the pseudo-header. */
    private static byte[] echo6Reply(byte[] request) {
        byte[] reply = request.clone();
        System.arraycopy(request, 8, reply, 24, 16);
        System.arraycopy(request, 24, reply, 8, 16);
        reply[40] = (byte) 129;
        reply[42] = 0;
        reply[43] = 0;
        int length = reply.length - 40;
        ByteBuffer pseudo = ByteBuffer.allocate(40 + length).put(reply, 8, 32).putInt(length).putInt(58).put(reply, 40, length);
        ByteBuffer.wrap(reply).putShort(42, TestPackets.checksum(pseudo.array(), 0, pseudo.capacity()));
        return reply;
    }

    @Test
    void attachingChecksTheIpv6AddressToo() throws Exception {
        ns.exec("ip", "tuntap", "add", "dev", "lwtp0", "mode", "tun").orThrow();
        ns.exec("ip", "addr", "add", "10.77.0.5/24", "dev", "lwtp0").orThrow();
        ns.exec("ip", "link", "set", "lwtp0", "mtu", "1400", "up").orThrow();
        TunDriver attach = new LinuxTunProvider().create(Config.builder("tun.linux", Config.Location.of("test"))
                .put("configure", "false").put("offload", "false").build());
        TunOptions expected = new TunOptions("lwtp0", IpPrefix.parse("10.77.0.5/24"), IpPrefix.parse("fd00:77::5/64"), 1400,
                List.of());
        IOException none = assertThrows(IOException.class, () -> inNamespace(() -> attach.open(expected)));
        assertTrue(none.getMessage().startsWith("lwtp0 has no IPv6 address fd00:77::5/64"), none.getMessage());
        assertTrue(none.getMessage().endsWith(": add it (ip addr add fd00:77::5/64 dev lwtp0)"), none.getMessage());
        ns.exec("ip", "addr", "add", "fd00:77::6/64", "dev", "lwtp0", "nodad").orThrow();
        IOException wrong = assertThrows(IOException.class, () -> inNamespace(() -> attach.open(expected)));
        assertTrue(wrong.getMessage().matches("lwtp0 has no IPv6 address fd00:77::5/64 \\(it has .*fd00:77::6/64.*\\): .*"),
                wrong.getMessage());
        ns.exec("ip", "addr", "add", "fd00:77::5/64", "dev", "lwtp0", "nodad").orThrow();
        try (TunDevice device = inNamespace(() -> attach.open(expected))) {
            assertEquals("lwtp0", device.name());
        }
    }

    @Test
    void ipv6DisabledOnTheDeviceIsOneClearLine() throws Exception {
        ns.exec("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1").orThrow(); // this namespace's own setting
        IOException e = assertThrows(IOException.class, () -> openDualStack("lwtt0", List.of()));
        assertEquals("cannot configure lwtt0: IPv6 address fd00:77::1/64: IPv6 is disabled on it"
                + " (sysctl net.ipv6.conf.lwtt0.disable_ipv6)", e.getMessage());
        assertFalse(ns.exec("ip", "link", "show", "dev", "lwtt0").ok(), "nothing left behind");
    }

    @Test
    void everyMtuFromTheMinimumToJumbo() throws Exception {
        for (int mtu : new int[] {576, 1500, 9000, 65535}) {
            try (TunDevice device = open("lwtt0", "10.77.0.1/24", mtu)) {
                assertEquals(mtu, device.mtu());
                String link = ns.exec("ip", "-o", "link", "show", "dev", "lwtt0").orThrow().output();
                assertTrue(link.contains("mtu " + mtu + " "), link);
            }
        }
    }
}
