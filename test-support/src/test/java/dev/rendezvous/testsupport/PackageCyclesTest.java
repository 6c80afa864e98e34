package dev.rendezvous.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCyclesTest {
    private static final Map<String, String> THREE_IN_A_RING = Map.of(
            "A.java", "package dev.rendezvous.x.a;\nimport dev.rendezvous.x.b.B;\n",
            "B.java", "package dev.rendezvous.x.b;\nimport static dev.rendezvous.x.c.C.run;\n",
            "C.java", "package dev.rendezvous.x.c;\nclass C { Object a = new dev.rendezvous.x.a.A(); }\n",
            "D.java", "package dev.rendezvous.x.d;\nimport dev.rendezvous.x.a.A;\nimport dev.rendezvous.elsewhere.E;\n");

    @Test
    void findsACycleThroughThreePackagesAndNamesTheFilesOfEachEdge() {
        assertThat(PackageCycles.cycle(PackageCycles.edges(THREE_IN_A_RING))).hasValueSatisfying(found -> assertThat(found)
                .contains("dev.rendezvous.x.a -> dev.rendezvous.x.b [A.java]", "dev.rendezvous.x.b -> dev.rendezvous.x.c [B.java]",
                        "dev.rendezvous.x.c -> dev.rendezvous.x.a [C.java]")
                .doesNotContain("dev.rendezvous.x.d"));
        assertThat(PackageCycles.cycle(PackageCycles.edges(Map.of("A.java", THREE_IN_A_RING.get("A.java"),
                "B.java", THREE_IN_A_RING.get("B.java"))))).isEmpty();
    }

    @Test
    void readsTheSourcesOfADirectory(@TempDir Path root) throws Exception {
        for (Map.Entry<String, String> source : THREE_IN_A_RING.entrySet()) {
            Path file = root.resolve(source.getKey().replace(".java", "")).resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
        }
        assertThat(PackageCycles.in(root)).isPresent();
        Files.delete(root.resolve("C").resolve("C.java"));
        assertThat(PackageCycles.in(root)).isEmpty();
    }

    @Test
    void refusesADirectoryWithoutSources(@TempDir Path root) {
        assertThatThrownBy(() -> PackageCycles.in(root)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Java sources");
    }
}
