package dev.rendezvous.deploy;

import dev.rendezvous.archive.format.segment.SegmentSeals;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.archive.format.line.ArchivedLine;
import dev.rendezvous.archive.format.segment.SegmentLines;
import dev.rendezvous.archive.format.snapshot.ExportManifest;
import dev.rendezvous.archiver.cli.ArchiveCommand;
import dev.rendezvous.archiver.snapshot.ExportFormat;
import dev.rendezvous.archiver.snapshot.SnapshotStore;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQL over an archive the real platform filled (gateway, three demo ONNX runners, decoy, archiver on
 * the embedded broker), over HTTP and on the command line, live and as of a snapshot; its refusals
 * (bad SQL, an unknown snapshot, writes, files outside the archive); who may read it; and the Parquet
 * export of that snapshot.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiveSqlIT {
    private static final int REQUESTS = 60;
    private static final String ADMIN = "sql-it-admin-token-0123";
    private static final String FRAUD_READER = "sql-it-fraud-reader-0123";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private Platform platform;
    private Path dir;
    private Path archive;
    private String snapshotId;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        this.dir = dir;
        archive = dir.resolve("archive");
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 2
                    retentionMs: 3600000
                    policy:
                      deadline: 5s
                      stages:
                        - accept: [fraud-fm@1, fraud-lr@1, fraud-lr@2]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                  - name: claims
                    partitions: 1
                    retentionMs: 3600000
                    policy:
                      deadline: 50ms
                      stages:
                        - accept: [claims-none@1]
                      fallback: { output: { label: pay }, reason: no claims model }
                """);
        platform = Platform.start(ConfigLoader.load(config, TestPlatforms.overrides(broker, EmbeddedKafkaExtension.uniquePrefix("sql"), "sql-it", ADMIN, Map.of(
                "models.demoDir", dir.resolve("models").toString(),
                "archive.dir", archive.toString(),
                "gateway.shedding.enabled", "false",
                "gateway.archiveReaders.fraud.token", FRAUD_READER,
                "gateway.archiveReaders.claims.tokenFile", dir.resolve("claims-reader-token").toString()))));
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(99, REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/score/fraud"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").header("X-Request-Id", "sql-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString(new String(JsonCodec.encode(Map.of("features", samples.get(i)))))).build();
            assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
        // Wait, through SQL itself, until every decision and all three models' scores are archived.
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode counts = sql("fraud", FRAUD_READER, "{\"sql\": \"SELECT (SELECT count(*) FROM decisions) AS d, (SELECT count(*) FROM scores) AS s\"}", 200);
            assertThat(counts.path("rows").get(0).path("d").asLong()).isEqualTo(REQUESTS);
            assertThat(counts.path("rows").get(0).path("s").asLong()).isEqualTo(3L * REQUESTS);
        });
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void countsAndTimesEveryModelsAnswersOverHttp() throws Exception {
        JsonNode result = sql("fraud", FRAUD_READER, json("SELECT model, version, count(*) AS n, quantile_cont(latency_ms, 0.99) AS p99 "
                + "FROM scores GROUP BY ALL ORDER BY model, version"), 200);

        assertThat(result.path("rows").findValuesAsText("model")).containsExactly("fraud-fm", "fraud-lr", "fraud-lr");
        assertThat(result.path("rows").findValuesAsText("version")).containsExactly("1", "1", "2");
        result.path("rows").forEach(row -> {
            assertThat(row.path("n").asLong()).isEqualTo(REQUESTS);
            assertThat(row.path("p99").asDouble()).isPositive();
        });
        assertThat(result.path("columns").findValuesAsText("type")).containsExactly("VARCHAR", "VARCHAR", "BIGINT", "DOUBLE");
    }

    @Test
    @Order(2)
    void findsTheRequestsOnWhichModelsDisagreedAsTheRawLinesSay() throws Exception {
        JsonNode result = sql("fraud", FRAUD_READER, json("SELECT request_id FROM scores WHERE error_code IS NULL "
                + "AND time > now() - INTERVAL 1 HOUR GROUP BY request_id HAVING count(DISTINCT label) > 1 ORDER BY request_id"), 200);

        Set<String> fromSql = new TreeSet<>(result.path("rows").findValuesAsText("request_id"));
        // The same question answered from the archive's lines without SQL.
        Map<String, Set<String>> labels = new HashMap<>();
        for (JsonNode value : values("scores")) {
            labels.computeIfAbsent(value.path("requestId").asText(), id -> new HashSet<>()).add(value.path("output").path("label").asText());
        }
        Set<String> expected = new TreeSet<>();
        labels.forEach((id, set) -> {
            if (set.size() > 1) {
                expected.add(id);
            }
        });
        assertThat(labels).hasSize(REQUESTS);
        assertThat(fromSql).isEqualTo(expected);

        // The tutorial's query (docs/archive.md) finds the same requests, each with what was served.
        JsonNode tutorial = sql("fraud", FRAUD_READER, json("""
                WITH disagreed AS (
                  SELECT request_id, string_agg(model || '@' || version || '=' || label, ', ' ORDER BY model, version) AS answers
                  FROM scores
                  WHERE error_code IS NULL AND time > now() - INTERVAL 1 HOUR
                  GROUP BY request_id
                  HAVING count(DISTINCT label) > 1)
                SELECT d.request_id, d.answers, r.model || '@' || r.version AS served, r.label AS served_label, r.reason, r.time
                FROM disagreed d LEFT JOIN decisions r USING (request_id)
                ORDER BY r.time"""), 200);
        assertThat(new TreeSet<>(tutorial.path("rows").findValuesAsText("request_id"))).isEqualTo(expected);
        tutorial.path("rows").forEach(row -> assertThat(row.path("served").asText()).matches("fraud-(fm|lr)@[12]"));
    }

    @Test
    @Order(3)
    void queriesASnapshotOnTheCommandLineAndExportsItToParquet() throws Exception {
        CliRun created = cli("snapshot", "create", "--dir", archive.toString(), "--app", "fraud", "--label", "sql-it");
        assertThat(created.exit).as(created.err).isZero();
        snapshotId = new SnapshotStore(archive).list("fraud").get(0).id();

        CliRun counted = cli("sql", "--dir", archive.toString(), "--app", "fraud", "--snapshot", snapshotId, "--format", "csv",
                "SELECT count(*) AS inputs, count(DISTINCT request_id) AS ids FROM inputs");
        assertThat(counted.exit).as(counted.err).isZero();
        assertThat(counted.out).isEqualTo("inputs,ids\r\n" + REQUESTS + "," + REQUESTS + "\r\n");
        JsonNode overHttp = sql("fraud", FRAUD_READER, "{\"sql\": \"SELECT count(*) AS n FROM decisions\", \"snapshot\": \"" + snapshotId + "\"}", 200);
        assertThat(overHttp.path("rows").get(0).path("n").asLong()).isEqualTo(REQUESTS);

        CliRun exported = cli("export", "--dir", archive.toString(), "--app", "fraud", "--snapshot", snapshotId, "--format", "parquet",
                "--out", dir.resolve("parquet").toString());
        assertThat(exported.exit).as(exported.err).isZero();
        ExportManifest manifest = JsonCodec.mapper().readValue(Files.readString(dir.resolve("parquet/export.json")), ExportManifest.class);
        Path file = dir.resolve("parquet/inputs.parquet");
        assertThat(manifest.rows()).isEqualTo(REQUESTS);
        assertThat(manifest.format()).isEqualTo(ExportFormat.PARQUET.wireName());
        assertThat(manifest.sha256()).isEqualTo(SegmentSeals.sha256(file));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    @Order(4)
    void exportsASnapshotOverHttpToItsReaderOnlyWithTheManifestsEvidence() throws Exception {
        for (String format : List.of("ndjson", "parquet")) {
            HttpResponse<byte[]> response = export("fraud", FRAUD_READER, "{\"snapshot\": \"" + snapshotId + "\", \"format\": \"" + format + "\"}");
            assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
            Path file = dir.resolve("over-http." + format);
            Files.write(file, response.body());
            assertThat(response.headers().firstValue("X-Rdv-Export-Sha256")).as("the body is the file the manifest hashes")
                    .contains(SegmentSeals.sha256(file));
            assertThat(response.headers().firstValue("X-Rdv-Export-Rows")).contains(Integer.toString(REQUESTS));
            assertThat(response.headers().firstValue("X-Rdv-Snapshot")).contains(snapshotId);
            if (format.equals("ndjson")) {
                assertThat(Files.readAllLines(file)).hasSize(REQUESTS);
            } else {
                // An independent reader: DuckDB over the bytes the gateway sent.
                try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                     java.sql.ResultSet rows = duck.createStatement().executeQuery(
                             "SELECT count(*), count(DISTINCT request_id) FROM read_parquet('" + file + "')")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getLong(1)).isEqualTo(REQUESTS);
                    assertThat(rows.getLong(2)).isEqualTo(REQUESTS);
                }
            }
        }
        assertThat(export("fraud", "sql-it-label-name", "{\"snapshot\": \"" + snapshotId + "\"}").statusCode()).as("not a token").isEqualTo(403);
        assertThat(export("fraud", null, "{\"snapshot\": \"" + snapshotId + "\"}").statusCode()).isEqualTo(401);
        assertThat(export("fraud", ADMIN, "{\"snapshot\": \"" + snapshotId + "\"}").statusCode()).isEqualTo(403);
        assertThat(export("claims", FRAUD_READER, "{\"snapshot\": \"" + snapshotId + "\"}").statusCode()).as("another app's reader").isEqualTo(403);
        HttpResponse<byte[]> unknown = export("fraud", FRAUD_READER, "{\"snapshot\": \"" + "0".repeat(64) + "\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JsonCodec.mapper().readTree(unknown.body()).path("where").asText()).isEqualTo("body.snapshot");
        HttpResponse<byte[]> badFormat = export("fraud", FRAUD_READER, "{\"snapshot\": \"" + snapshotId + "\", \"format\": \"csv\"}");
        assertThat(badFormat.statusCode()).isEqualTo(400);
        assertThat(JsonCodec.mapper().readTree(badFormat.body()).path("where").asText()).isEqualTo("body.format");
        assertThat(export("fraud", FRAUD_READER, "{\"snapshot\": \"" + snapshotId + "\", \"out\": \"/tmp/x\"}").statusCode())
                .as("an unknown field").isEqualTo(400);
    }

    private HttpResponse<byte[]> export(String app, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/admin/archive/" + app + "/export"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @ParameterizedTest
    @Order(5)
    @ValueSource(strings = {
            "SELEC count(*) FROM inputs",
            "SELECT nosuch FROM inputs",
            "COPY (SELECT * FROM inputs) TO '%s/stolen.csv'",
            "INSTALL httpfs",
            "ATTACH '%s/other.db'",
            "CREATE TABLE copied AS SELECT * FROM inputs",
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT 1; SELECT 2"})
    void refusesBadOrWritingQueriesWith400AndExit1AndWritesNothing(String template) throws Exception {
        String query = template.formatted(dir);
        JsonNode refused = sql("fraud", FRAUD_READER, json(query), 400);
        assertThat(refused.path("where").asText()).isEqualTo("body.sql");
        assertThat(refused.path("error").asText()).isNotBlank();

        CliRun cli = cli("sql", "--dir", archive.toString(), "--app", "fraud", query);
        assertThat(cli.exit).isEqualTo(1);
        assertThat(cli.err).startsWith("archive: ").contains(refused.path("error").asText().substring(0, 20));
        assertThat(dir.resolve("stolen.csv")).doesNotExist();
        assertThat(dir.resolve("other.db")).doesNotExist();
    }

    @Test
    @Order(6)
    void answersAnUnknownSnapshotWith404AndExit1() throws Exception {
        JsonNode unknown = sql("fraud", FRAUD_READER, "{\"sql\": \"SELECT 1\", \"snapshot\": \"" + "0".repeat(64) + "\"}", 404);
        assertThat(unknown.path("where").asText()).isEqualTo("body.snapshot");
        assertThat(sql("fraud", FRAUD_READER, "{\"sql\": \"SELECT 1\", \"snapshot\": \"zz\"}", 400).path("where").asText()).isEqualTo("body.snapshot");
        assertThat(cli("sql", "--dir", archive.toString(), "--app", "fraud", "--snapshot", "0".repeat(64), "SELECT 1").exit).isEqualTo(1);
    }

    @Test
    @Order(7)
    void onlyTheAppsArchiveReaderMayQueryIt() throws Exception {
        String body = json("SELECT count(*) FROM inputs");
        assertThat(sql("fraud", null, body, 401).path("error").asText()).contains("gateway.archiveReaders.fraud");
        assertThat(sql("fraud", ADMIN, body, 403).path("error").asText()).contains("admin token does not grant archive reads");
        // claims' reader token was generated at start into its tokenFile, owner-only.
        Path tokenFile = dir.resolve("claims-reader-token");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String claimsReader = Files.readString(tokenFile).strip();
        assertThat(sql("fraud", claimsReader, body, 403).path("error").asText()).contains("not an archive reader of app 'fraud'");
        assertThat(sql("claims", FRAUD_READER, body, 403).path("error").asText()).contains("not an archive reader of app 'claims'");
        assertThat(sql("claims", claimsReader, body, 200).path("rows").get(0).path("count_star()").asLong()).isZero();
        HttpRequest trace = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/admin/trace/fraud/sql-3"))
                .header("Authorization", "Bearer " + claimsReader).GET().build();
        assertThat(http.send(trace, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }

    private JsonNode sql(String app, String token, String body, int status) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.gatewayPort() + "/v1/admin/archive/" + app + "/sql"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JsonCodec.mapper().readTree(response.body());
    }

    private static String json(String sql) {
        return JsonCodec.mapper().createObjectNode().put("sql", sql).toString();
    }

    private record CliRun(int exit, String out, String err) {
    }

    private static CliRun cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ArchiveCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    private List<JsonNode> values(String kind) throws IOException {
        List<JsonNode> values = new ArrayList<>();
        try (Stream<Path> files = Files.list(archive.resolve("fraud").resolve(kind))) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".ndjson")).toList()) {
                SegmentLines.read(file, (position, line, length) -> {
                    values.add(JsonCodec.mapper().readTree(ArchivedLine.value(java.util.Arrays.copyOf(line, length))));
                    return true;
                });
            }
        }
        return values;
    }
}
