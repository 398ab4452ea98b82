package io.lwt.core;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwt.api.IpPackets;
import io.lwt.api.ProtocolException;
import io.lwt.core.handshake.Challenge;
import io.lwt.core.handshake.Grant;
import io.lwt.core.handshake.Hello;
import io.lwt.core.handshake.Reject;
import io.lwt.core.handshake.Welcome;
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
            Challenge.read(ByteBuffer.wrap(input));
        } catch (ProtocolException expected) {
            // malformed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void hello(byte[] input) throws Exception {
        try {
            Hello.read(ByteBuffer.wrap(input));
        } catch (ProtocolException expected) {
            // malformed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void welcome(byte[] input) throws Exception {
        try {
            Grant grant = Welcome.read(ByteBuffer.wrap(input)).grant();
            new SessionSettings(grant.keepalive(), grant.timeout(), 1);
        } catch (ProtocolException expected) {
            // malformed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void reject(byte[] input) throws Exception {
        try {
            Reject.read(ByteBuffer.wrap(input));
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
