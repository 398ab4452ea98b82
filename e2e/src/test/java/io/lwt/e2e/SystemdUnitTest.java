package io.lwt.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd unit shipped in the image passes systemd-analyze verify, without a single warning. */
class SystemdUnitTest {

    @TempDir
    Path dir;

    @Test
    void unitVerifiesCleanly() throws Exception {
        Path unit = TunnelNetwork.LWT.getParent().resolveSibling("systemd").resolve("lwt@.service");
        assertTrue(Files.isRegularFile(unit), "the image ships " + unit);
        // an instance of the template, pointing at this build's image instead of /opt/lwt
        Path instance = dir.resolve("lwt@hub.service");
        Files.writeString(instance, Files.readString(unit).replace("/opt/lwt/bin/lwt", TunnelNetwork.LWT.toString()));
        Process verify = new ProcessBuilder("systemd-analyze", "verify", instance.toString())
                .redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes());
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, verify.exitValue(), output);
        assertEquals("", output.strip(), "warnings from systemd-analyze");
    }
}
