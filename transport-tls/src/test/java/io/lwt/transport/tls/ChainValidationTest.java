package io.lwt.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lwt.cert.Certificates;
import io.lwt.cert.KeyType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainValidationTest {

    /** A client chooses its certificate's subject, which refusals quote: it must not forge or colour log lines. */
    @Test
    void aSubjectIsQuotedWithItsControlCharactersEscaped() throws Exception {
        Instant now = Instant.now();
        var evil = Certificates.create("evil\n2026-12-02T00:00:00Z INFO  [hub] forged\u001b[31m", List.of(),
                Certificates.generateKeyPair(KeyType.EC), null, now, now.plus(Duration.ofDays(1)), false);
        assertEquals("CN=evil\\u000a2026-12-02T00:00:00Z INFO  [hub] forged\\u001b[31m",
                ChainValidation.subject(evil.leaf()));
    }
}
