package dev.rendezvous.archiver.snapshot;

import dev.rendezvous.archive.format.segment.SegmentSeals;
import dev.rendezvous.archive.format.snapshot.ExportManifest;
import static dev.rendezvous.archiver.ArchiveFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.archive.format.line.LineEncoder;
import dev.rendezvous.archiver.ArchiveFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet export, read back with Apache Parquet's own reader (not DuckDB, which wrote it): every
 * record of the NDJSON export of the same snapshot is there, in the same order, with its exact value,
 * a matching hash and typed columns.
 */
class ParquetExportTest {
    private static final String APP = "fraud";

    @TempDir
    Path archiveDir;
    @TempDir
    Path exports;

    @Test
    void holdsEveryExportedRecordExactlyAsTheNdjsonExportDoes() throws Exception {
        try (ArchiveFixture archive = new ArchiveFixture(archiveDir, APP, 4_000)) {
            for (int i = 0; i < 60; i++) {
                archive.append("decoy", i % 3, i / 3, T0 + i, "r-" + i, ArchiveFixture.request("r-" + i, 100 + i));
            }
            archive.append("decoy", 0, 20, T0 + 61, "bad", new byte[] {(byte) 0xff, 0x00});
            archive.sealAll();
        }
        SnapshotStore store = new SnapshotStore(archiveDir);
        String id = store.create(APP, null, null, Duration.ZERO).id();

        ExportManifest ndjson = store.export(APP, id, exports.resolve("ndjson"), ExportFormat.NDJSON);
        ExportManifest parquet = store.export(APP, id, exports.resolve("parquet"), ExportFormat.PARQUET);

        Path file = exports.resolve("parquet").resolve("inputs.parquet");
        assertThat(parquet.format()).isEqualTo("parquet");
        assertThat(parquet.file()).isEqualTo("inputs.parquet");
        assertThat(parquet.sha256()).isEqualTo(SegmentSeals.sha256(file));
        assertThat(parquet.rows()).isEqualTo(60).isEqualTo(ndjson.rows());
        assertThat(parquet.skipped()).containsExactly(APP + ".decoy-0@20");
        assertThat(parquet.segments()).isEqualTo(ndjson.segments());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var listing = Files.list(exports.resolve("parquet"))) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("inputs.parquet", "export.json");
        }

        List<String> expected = Files.readAllLines(exports.resolve("ndjson").resolve("inputs.ndjson"), StandardCharsets.UTF_8);
        List<Group> records = readWithParquetMr(file);
        assertThat(records).hasSize(expected.size());
        for (int i = 0; i < records.size(); i++) {
            Group record = records.get(i);
            String value = record.getString("value", 0);
            assertThat(value).as("record %d", i).isEqualTo(expected.get(i));
            assertThat(record.getString("sha256", 0)).isEqualTo(LineEncoder.sha256(value.getBytes(StandardCharsets.UTF_8)));
            String requestId = record.getString("request_id", 0);
            int n = Integer.parseInt(requestId.substring(2));
            assertThat(value).contains("\"id\":\"" + requestId + "\"");
            assertThat(record.getInteger("partition", 0)).isEqualTo(n % 3);
            assertThat(record.getLong("offset", 0)).isEqualTo(n / 3);
            assertThat(record.getLong("received_at_ms", 0)).isEqualTo(T0);
            assertThat(record.getGroup("features", 0).getLong("amount", 0)).isEqualTo(100 + n);
        }
    }

    private static List<Group> readWithParquetMr(Path file) throws Exception {
        List<Group> records = new ArrayList<>();
        ParquetReadOptions options = ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), options)) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            PageReadStore pages;
            while ((pages = reader.readNextRowGroup()) != null) {
                RecordReader<Group> rows = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, new GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    records.add(rows.read());
                }
            }
        }
        return records;
    }
}
