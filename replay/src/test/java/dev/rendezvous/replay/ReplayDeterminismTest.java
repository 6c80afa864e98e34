package dev.rendezvous.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same snapshot and manifest give the same report.json, whatever the thread count, apart from "generated". */
class ReplayDeterminismTest {

    @Test
    void givesByteIdenticalReportsApartFromTheGeneratedFieldWithAnyThreadCount(@TempDir Path out) throws Exception {
        FraudArchive archive = FraudArchive.get();
        Path first = archive.servedReplay().reportJson();
        Path second = ReplayRunner.run(ReplaySettings.of(archive.archiveDir, archive.snapshotId, archive.fmManifest,
                out).withThreads(1), null).reportJson();

        List<String> firstLines = Files.readAllLines(first);
        List<String> secondLines = Files.readAllLines(second);
        assertThat(withoutGenerated(secondLines)).isEqualTo(withoutGenerated(firstLines));
        assertThat(withoutGenerated(firstLines)).doesNotContain("elapsedMs").contains("\"agreementRate\"");
        assertThat(secondLines.get(0)).isEqualTo("{");
        assertThat(secondLines.get(1)).contains("\"generated\"");
    }

    /** The report without its "generated" member, which the writer puts first and alone holds times. */
    private static String withoutGenerated(List<String> lines) {
        int end = lines.indexOf("  },");
        assertThat(lines.get(1)).isEqualTo("  \"generated\" : {");
        return lines.subList(end + 1, lines.size()).stream().collect(Collectors.joining("\n"));
    }
}
