package io.lwt.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lwt.cert.Certificates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node logs when its transport is created: the fingerprint to pin, and a warning for insecure clients. */
class TlsLogTest {

    @TempDir
    Path dir;

    private final Logger logger = Logger.getLogger("io.lwt.transport.tls");
    private final List<String> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLevel() + " " + java.text.MessageFormat.format(record.getMessage(),
                    record.getParameters()));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
        logger.setLevel(Level.ALL);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void autoCertificateLogsTheFingerprintToPinAtEveryStart() throws Exception {
        Loopback.transport(dir, "certificate", "auto");
        Loopback.transport(dir, "certificate", "auto");
        String fingerprint = Certificates.fingerprint(
                Certificates.readCertificates(dir.resolve("tls/tls.crt")).getFirst());
        String line = "INFO tls certificate " + fingerprint + " (clients pin it with pin: " + fingerprint + ")";
        assertEquals(List.of(line, line), lines);
    }

    @Test
    void insecureSkipVerifyWarnsAtEveryStart() {
        Loopback.transport(dir, "insecure-skip-verify", "true");
        Loopback.transport(dir, "insecure-skip-verify", "false", "pin", "sha256:" + "00".repeat(32));
        assertEquals(List.of("WARNING " + dir.resolve("lwt.yaml") + ":3:7: nodes.n.transport.tls.insecure-skip-verify:"
                + " true: this client accepts any certificate, so anyone on the path to the hub can read and change"
                + " the tunnel's traffic; use pin or ca"), lines);
    }
}
