package io.lwt.codec.lengthprefix;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.lwt.api.ProtocolException;
import io.lwt.testsupport.CodecFuzz;
import io.lwt.testsupport.Fuzz;

/**
 * Coverage-guided fuzzing of the length-prefix decoder with Jazzer, for manual runs (the class name keeps it out of
 * the default test run; {@link LengthPrefixFuzzTest} is the CI part):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn test -pl transport-disguised-tcp -am -Dtest=LengthPrefixJazzer -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * A finding is any exception but {@link ProtocolException} or a broken framer contract ({@link CodecFuzz}); its input
 * goes into {@code LengthPrefixFuzzTest.corpus} as hex.
 */
class LengthPrefixJazzer {

    private static final int MAX = 1401;
    private final Fuzz.Target target = CodecFuzz.decoder(new LengthPrefixCodec(),
            () -> new LengthPrefixCodec.LengthPrefixFramer(MAX), MAX);

    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) throws Exception {
        try {
            target.decode(input);
        } catch (ProtocolException expected) {
            // the documented outcome for malformed input
        }
    }
}
