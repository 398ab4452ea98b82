package io.lwt.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what the settings table generates; {@code -Dlwt.regenerate=true} rewrites it. */
class ConfigurationReferenceTest {

    /** Beside the launcher module; surefire names the module's directory in {@code basedir}. */
    private static final Path FILE = Path.of(System.getProperty("basedir", "."), "..", "docs", "configuration.md");

    @Test
    void theCommittedReferenceIsTheTables() throws IOException {
        String generated = ConfigurationReference.markdown();
        if (Boolean.getBoolean("lwt.regenerate")) {
            Files.writeString(FILE, generated);
        }
        String committed = Files.exists(FILE) ? Files.readString(FILE) : "";
        assertEquals(generated, committed, FILE.toAbsolutePath().normalize() + " differs from the settings table in"
                + " NodeSettings; regenerate it with: mvn -q verify -pl launcher -am -Dtest=ConfigurationReferenceTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dlwt.regenerate=true");
    }
}
