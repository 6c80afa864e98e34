package dev.rendezvous.archiver.sql;

import static dev.rendezvous.archiver.ArchiveFixture.T0;
import static dev.rendezvous.archiver.ArchiveFixture.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archiver.ArchiveFixture;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchiveSqlTest {
    private static final String APP = "fraud";
    private static final SqlLimits LIMITS = new SqlLimits(100, Duration.ofSeconds(30), "512MB");

    @TempDir
    Path archiveDir;
    private ArchiveFixture archive;

    @BeforeEach
    void fillArchive() {
        archive = new ArchiveFixture(archiveDir, APP, 1 << 20);
        // Ten requests; fraud-lr and fraud-fm disagree on the odd ones; every decision is served by fraud-fm.
        for (int i = 0; i < 10; i++) {
            String id = "r-" + i;
            archive.append("decoy", 0, i, T0 + i, id, ArchiveFixture.request(id, 100 + i));
            archive.append("scores", 0, 2L * i, T0 + i, id, score(id, "fraud-lr", "legit", 300 + i));
            archive.append("scores", 0, 2L * i + 1, T0 + i, id, score(id, "fraud-fm", i % 2 == 1 ? "fraud" : "legit", 1000 + i));
            archive.append("results", 0, i, T0 + i, id, decision(id, i % 2 == 1 ? "fraud" : "legit", i));
        }
    }

    @AfterEach
    void closeArchive() throws Exception {
        archive.close();
    }

    static byte[] score(String id, String model, String label, long inferenceMicros) {
        return utf8("{\"requestId\":\"" + id + "\",\"app\":\"fraud\",\"model\":\"" + model + "\",\"version\":\"1\",\"role\":\"live\","
                + "\"output\":{\"output\":[0.2,0.8],\"label\":\"" + label + "\"},\"queueWaitMicros\":100,\"inferenceMicros\":" + inferenceMicros
                + ",\"batchSize\":1,\"batchId\":\"" + model + "-" + id + "\",\"batchPosition\":0,\"scoredAtMs\":" + (T0 + 2) + "}");
    }

    static byte[] decision(String id, String label, long latencyMs) {
        return utf8("{\"requestId\":\"" + id + "\",\"app\":\"fraud\",\"outcome\":\"model\",\"model\":\"fraud-fm\",\"version\":\"1\","
                + "\"output\":{\"label\":\"" + label + "\"},\"reason\":\"preferred\",\"policyVersion\":3,\"late\":[],"
                + "\"receivedAtMs\":" + T0 + ",\"deadlineAtMs\":" + (T0 + 50) + ",\"decidedAtMs\":" + (T0 + latencyMs) + "}");
    }

    private SqlResult sql(String query) throws Exception {
        return new ArchiveSql(archiveDir).query(APP, null, query, LIMITS);
    }

    @Test
    void findsEveryRequestOnWhichTwoModelsDisagreedWithOneQuery() throws Exception {
        SqlResult result = sql("SELECT request_id, string_agg(model || '=' || label, ',' ORDER BY model) AS answers FROM scores "
                + "WHERE error_code IS NULL GROUP BY request_id HAVING count(DISTINCT label) > 1 ORDER BY request_id");

        assertThat(result.rows()).extracting(row -> row.get(0)).containsExactly("r-1", "r-3", "r-5", "r-7", "r-9");
        assertThat(result.rows().get(0).get(1)).isEqualTo("fraud-fm=fraud,fraud-lr=legit");
    }

    @Test
    void typesTheFieldsOfEachView() throws Exception {
        SqlResult inputs = sql("SELECT request_id, time, received_at_ms, features, sha256 FROM inputs WHERE request_id = 'r-3'");
        assertThat(inputs.columns()).extracting(SqlResult.Column::type).containsExactly("VARCHAR", "TIMESTAMP WITH TIME ZONE", "BIGINT", "JSON", "VARCHAR");
        assertThat(inputs.rows().get(0).get(1)).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(((JsonNode) inputs.rows().get(0).get(3)).path("amount").asInt()).isEqualTo(103);

        SqlResult scores = sql("SELECT model, count(*) AS n, max(latency_ms) AS p FROM scores GROUP BY model ORDER BY model");
        assertThat(scores.rows()).containsExactly(List.of("fraud-fm", 10L, 1.109), List.of("fraud-lr", 10L, 0.409));
        SqlResult call = sql("SELECT batch_size, batch_id, batch_position FROM scores WHERE request_id = 'r-3' AND model = 'fraud-lr'");
        assertThat(call.columns()).extracting(SqlResult.Column::type).containsExactly("INTEGER", "VARCHAR", "INTEGER");
        assertThat(call.rows()).containsExactly(List.of(1, "fraud-lr-r-3", 0));

        SqlResult decisions = sql("SELECT reason, policy_version, quantile_disc(latency_ms, 0.99) AS p99, count(*) FROM decisions GROUP BY ALL");
        assertThat(decisions.rows()).containsExactly(List.of("preferred", 3L, 9L, 10L));
    }

    @Test
    void cutsOffRowsBeyondTheLimitAndSaysSo() throws Exception {
        SqlResult result = new ArchiveSql(archiveDir).query(APP, null, "SELECT * FROM scores", LIMITS.withMaxRows(7));

        assertThat(result.rows()).hasSize(7);
        assertThat(result.truncated()).isTrue();
        assertThat(result.toJson().path("rowCount").asInt()).isEqualTo(7);
    }

    @Test
    void readsASnapshotUpToItsCutsOnly() throws Exception {
        archive.sealAll();
        String id = new SnapshotStore(archiveDir).create(APP, T0 + 4, null, Duration.ZERO).id();
        archive.append("decoy", 0, 10, T0 + 10, "r-10", ArchiveFixture.request("r-10", 1));

        SqlResult snapshot = new ArchiveSql(archiveDir).query(APP, id, "SELECT count(*) FROM inputs", LIMITS);
        SqlResult live = sql("SELECT count(*) FROM inputs");

        assertThat(snapshot.rows().get(0).get(0)).isEqualTo(5L);
        assertThat(live.rows().get(0).get(0)).isEqualTo(11L);
    }

    @Test
    void refusesAnUnknownSnapshot() {
        assertThatThrownBy(() -> new ArchiveSql(archiveDir).query(APP, "0".repeat(64), "SELECT 1", LIMITS))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("no snapshot");
        assertThatThrownBy(() -> new ArchiveSql(archiveDir).query(APP, "nope", "SELECT 1", LIMITS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 lower-case hex");
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
            "SELEC * FROM inputs | does not parse",
            "SELECT * FROM nowhere | Table with name nowhere does not exist",
            "SELECT nosuchcolumn FROM scores | nosuchcolumn",
            "SELECT 1; SELECT 2 | exactly one SELECT statement, found 2",
            "COPY (SELECT * FROM inputs) TO '/tmp/stolen.csv' | only one read-only SELECT",
            "INSTALL httpfs | only one read-only SELECT",
            "ATTACH '/tmp/other.db' | only one read-only SELECT",
            "CREATE TABLE t AS SELECT 1 | only one read-only SELECT",
            "SET enable_external_access = true | only one read-only SELECT",
            "SELECT * FROM read_csv('/etc/passwd') | Permission Error",
            "SELECT * FROM read_text('/etc/hostname') | Permission Error",
            "SELECT * FROM glob('/etc/*') | Permission Error",
            "'' | the SQL is empty",
    })
    void refusesWhatIsNotOneReadOnlyQueryOverTheArchive(String query, String problem) {
        assertThatThrownBy(() -> sql(query)).isInstanceOf(SqlRefusedException.class).hasMessageContaining(problem);
    }

    @Test
    void cannotReadAnotherApplicationsSegments() throws Exception {
        try (ArchiveFixture other = new ArchiveFixture(archiveDir, "loans", 1 << 20)) {
            other.append("decoy", 0, 0, T0, "l-1", ArchiveFixture.request("l-1", 1));
        }
        Path loans = archiveDir.resolve("loans/decoy/decoy-p0-00000000000000000000.ndjson").toAbsolutePath();

        assertThatThrownBy(() -> sql("SELECT * FROM read_json('" + loans + "')"))
                .isInstanceOf(SqlRefusedException.class).hasMessageContaining("Permission Error");
    }

    @Test
    void stopsAQueryAtItsTimeLimit() {
        SqlLimits short_ = LIMITS.withTimeout(Duration.ofMillis(200));
        assertThatThrownBy(() -> new ArchiveSql(archiveDir).query(APP, null,
                "SELECT count(*) FROM range(1000000000000) a, range(1000) b WHERE a.range + b.range = -1", short_))
                .isInstanceOfSatisfying(SqlRefusedException.class, e -> assertThat(e.timedOut()).isTrue())
                .hasMessageContaining("time limit of 200 ms");
    }
}
