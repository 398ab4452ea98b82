package io.lwt.benchmarks;

import io.lwt.api.IpPrefix;
import io.lwt.api.ProtocolException;
import io.lwt.core.handshake.ClientHandshake;
import io.lwt.core.handshake.Credential;
import io.lwt.core.handshake.Grant;
import io.lwt.core.handshake.HubHandshake;
import io.lwt.core.handshake.Initiation;
import io.lwt.core.handshake.Response;
import io.lwt.core.noise.Curve25519;
import io.lwt.core.noise.HandshakeState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The hub's work for one session handshake (IKpsk2): check the initiation's mac1, read it (three X25519 operations),
 * answer with a grant (two more and a fresh ephemeral key) and split the keys. The time per operation is the hub's
 * CPU per handshake on one core; the client's initiation is made once, outside the measurement (a replay guard is not
 * part of it, so the same initiation can be read again).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandshakeBenchmark {

    private static final Grant GRANT = new Grant(IpPrefix.parse("10.0.0.2/24"), null, 1400, Duration.ofSeconds(10),
            Duration.ofSeconds(30), List.of(IpPrefix.parse("192.168.50.0/24")), true);

    private Curve25519.KeyPair hub;
    private Credential alice;
    private Initiation initiation;

    @Setup
    public void initiate() {
        hub = Curve25519.generate();
        byte[] key = new byte[32];
        alice = Credential.of("alice", key);
        initiation = new ClientHandshake(key, hub.publicKey(), new byte[0]).initiation(true);
    }

    @Benchmark
    public HandshakeState.Transport hubSide() throws ProtocolException {
        HubHandshake handshake = new HubHandshake(hub, new byte[0]);
        handshake.read(initiation, (staticKey, certified) -> alice, Optional.empty());
        Response response = handshake.answer(GRANT);
        return response.noise().length > 0 ? handshake.keys() : null;
    }
}
