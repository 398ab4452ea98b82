package io.lwt.core;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwt.api.IpPackets;
import io.lwt.api.ProtocolException;
import io.lwt.core.handshake.Answer;
import io.lwt.core.handshake.Grant;
import io.lwt.core.handshake.Initiation;
import io.lwt.core.handshake.Response;
import java.nio.ByteBuffer;

/**
 * Coverage-guided fuzzing of the handshake readers and {@link IpPackets} with Jazzer, for manual runs, one reader
 * per run (the class name keeps it out of the default test run; {@link HandshakeFuzzTest} and
 * {@link IpPacketsFuzzTest} are the CI part):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn test -pl core -am -Dtest='HandshakeJazzer#answer' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * A finding is any exception but {@link ProtocolException}, or a value the caller could not use; its input goes into
 * the matching corpus test as hex.
 */
class HandshakeJazzer {

    @FuzzTest(maxDuration = "60s")
    void initiation(byte[] input) throws Exception {
        try {
            Initiation.read(ByteBuffer.wrap(input));
        } catch (ProtocolException expected) {
            // malformed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void response(byte[] input) throws Exception {
        try {
            Response.read(ByteBuffer.wrap(input));
        } catch (ProtocolException expected) {
            // malformed
        }
    }

    @FuzzTest(maxDuration = "60s")
    void answer(byte[] input) throws Exception {
        try {
            if (Answer.read(ByteBuffer.wrap(input)) instanceof Grant grant) {
                new SessionSettings(grant.keepalive(), grant.timeout(), 1);
            }
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
