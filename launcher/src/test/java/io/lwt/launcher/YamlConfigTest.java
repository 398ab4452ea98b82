package io.lwt.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lwt.api.Config;
import io.lwt.api.ConfigException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile YAML gets one located line each, quickly, and never a StackOverflowError or millions of values. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class YamlConfigTest {

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> YamlConfig.parse(yaml, "t.yaml")).getMessage();
    }

    @Test
    void aRecursiveAliasIsRefused() {
        assertEquals("t.yaml:1:4: invalid YAML: recursive alias: the collection anchored here contains itself (at a)",
                error("a: &x [*x]\n"));
        assertEquals("t.yaml:2:6: invalid YAML: recursive alias: the collection anchored here contains itself (at a.b.c.d)",
                error("a:\n  b: &x {c: [1, {d: *x}]}\n"));
        assertEquals("t.yaml:1:1: invalid YAML: recursive alias: the collection anchored here contains itself (at a)",
                error("&top {a: *top}\n"));
    }

    @Test
    void aCollectionAliasedSideBySideIsNoCycle() {
        Config config = YamlConfig.parse("a: &x [1, 2]\nb: [*x, *x]\n", "t.yaml");
        assertEquals(2, config.value("b").map(v -> ((io.lwt.api.ConfigValue.Sequence) v).items().size()).orElseThrow());
    }

    @Test
    void anAliasBombIsRefused() {
        // 200 KB of values, and ten aliases doubling them five times: 3.2 million values
        StringBuilder yaml = new StringBuilder("l0: &l0 [").append("x,".repeat(100_000)).append("x]\n");
        for (int level = 1; level <= 5; level++) {
            yaml.append("l%d: &l%d [*l%d, *l%d]\n".formatted(level, level, level - 1, level - 1));
        }
        assertEquals("t.yaml:4:5: invalid YAML: through aliases, this collection expands to more than 524288 values,"
                + " more than a 1 MiB file can hold without them", error(yaml.toString()), "l3, 800,000 values");
        assertEquals("t.yaml: invalid YAML: Number of aliases for non-scalar nodes exceeds the specified max=10",
                error(yaml.append("l6: [*l5, *l5]\n").toString()), "SnakeYAML's own bound, without a mark");
    }

    @Test
    void aDeeplyNestedDocumentIsRefused() {
        assertEquals("t.yaml: invalid YAML: Nesting Depth exceeded max 50",
                error("a: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n"));
        StringBuilder block = new StringBuilder();
        for (int depth = 0; depth < 1000; depth++) {
            block.append("  ".repeat(depth)).append("k:\n");
        }
        assertEquals("t.yaml: invalid YAML: Nesting Depth exceeded max 50", error(block.toString()));
    }
}
