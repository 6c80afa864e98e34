package dev.rendezvous.bench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive SQL measurement at a tiny size: every query answers what the generated archive holds. */
class ArchiveSqlMeasurementTest {
    @Test
    void measuresEveryQueryAndBothExportsOverTheArchiveItWrote(@TempDir Path dir) throws Exception {
        ArchiveSqlMeasurement.Result result = ArchiveSqlMeasurement.measure(dir.resolve("m"), 300, 1);

        assertThat(result.archivedRecords()).isEqualTo(1_500);
        assertThat(result.queries()).extracting(ArchiveSqlMeasurement.Timing::name).containsExactlyElementsOf(ArchiveSqlMeasurement.QUERIES.keySet());
        assertThat(result.queries().get(0).rows()).as("three model versions").isEqualTo(3);
        assertThat(result.queries().get(2).rows()).as("one served model").isEqualTo(1);
        assertThat(result.exports()).extracting(ArchiveSqlMeasurement.Export::format).containsExactly("ndjson", "parquet");
        assertThat(result.exports()).allSatisfy(export -> {
            assertThat(export.rows()).isEqualTo(300);
            assertThat(export.bytesPerRecord()).isPositive();
        });
        assertThat(ArchiveSqlMeasurement.markdown(result, "cmd")).contains("| count by model | 3 |").contains("| parquet | 300 |");
    }
}
