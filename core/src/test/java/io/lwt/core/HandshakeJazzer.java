package io.lwt.core;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwt.api.IpPackets;
import io.lwt.api.ProtocolException;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the handshake readers and {@link IpPackets} with Jazzer, for manual runs, one reader
 * per run (the class name keeps it out of the default test run; {@link HandshakeFuzzTest} and
 * {@link IpPacketsFuzzTest} are the CI part):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn test -pl core -am -Dtest='HandshakeJazzer#welcome' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * A finding is any exception but {@link ProtocolException}, or a value the caller could not use; its input goes into
 * the matching corpus test as hex.
 */
class HandshakeJazzer {

    @FuzzTest(maxDuration = "60s")
    void challenge(byte[] input) throws Exception {
        try {
            Handshake.readChallenge(ByteBuffer.wrap(input));
        } catch (ProtocolException expected) {
            // malformed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void hello(byte[] input) throws Exception {
        try {
            Handshake.readHello(ByteBuffer.wrap(input));
        } catch (ProtocolException expected) {
            // malformed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void welcome(byte[] input) throws Exception {
        try {
            Handshake.Welcome welcome = Handshake.readWelcome(ByteBuffer.wrap(input));
            new SessionSettings(welcome.keepalive(), welcome.timeout(), 1);
        } catch (ProtocolException expected) {
            // malformed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void reject(byte[] input) throws Exception {
        try {
            Handshake.readReject(ByteBuffer.wrap(input));
        } catch (ProtocolException expected) {
            // malformed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void ipPackets(byte[] input) {
        ByteBuffer packet = ByteBuffer.wrap(input);
        if (IpPackets.version(packet) == 4) {
            IpPackets.ipv4Source(packet);
            IpPackets.ipv4Destination(packet);
        }
    }
}
