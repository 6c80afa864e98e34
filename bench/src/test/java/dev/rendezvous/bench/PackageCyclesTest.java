package dev.rendezvous.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.testsupport.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Fails when the packages of this module's main sources depend on each other in a cycle (see {@link PackageCycles}). */
class PackageCyclesTest {
    @Test
    void mainSourcesHaveNoPackageCycle() {
        assertThat(PackageCycles.in(Path.of("src/main/java"))).as("a package cycle (package -> package [files])").isEmpty();
    }
}
