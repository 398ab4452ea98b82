package io.lwt.benchmarks;

import io.lwt.api.IpPackets;
import io.lwt.testsupport.TestPackets;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The header fields the engine reads for every packet: version and destination, as routing looks them up. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IpPacketsBenchmark {

    @Param({"4", "6"})
    public int family;

    private ByteBuffer packet;

    @Setup
    public void setUp() {
        byte[] bytes = family == 4 ? TestPackets.udpOfSize("10.0.0.2", "10.0.0.3", 1400)
                : TestPackets.udp6OfSize("fd00::2", "fd00::3", 1400);
        packet = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    /** What a routing decision reads: the version, then the destination of that family. */
    @Benchmark
    public long destination() {
        return switch (IpPackets.version(packet)) {
            case 4 -> IpPackets.ipv4Destination(packet);
            case 6 -> IpPackets.ipv6DestinationHigh(packet) ^ IpPackets.ipv6DestinationLow(packet);
            default -> -1;
        };
    }
}
