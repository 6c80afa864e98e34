package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The archive reads of the admin API — {@code GET /v1/admin/trace/{app}/{requestId}} and
 * {@code POST /v1/admin/archive/{app}/sql} — backed by an in-memory {@link TraceLookup}, and who may
 * make them: only the app's archive-reader token, not the admin token, not another app's reader.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceEndpointIT {
    private static final String TRACE_READER = "reader-of-trace-0123456789";
    private static final String OTHER_READER = "reader-of-other-0123456789";
    private static final Map<String, String> READER = Map.of("Authorization", "Bearer " + TRACE_READER);
    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + TestGateway.TOKEN);
    private TestGateway gateway;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("trace-endpoint"));
        TraceLookup archive = new TraceLookup() {
            @Override
            public Optional<JsonNode> trace(String app, String requestId) throws IOException {
                if (requestId.equals("broken-1")) {
                    throw new IOException("segment 7 is unreadable");
                }
                return requestId.equals("known-1")
                        ? Optional.of(JsonCodec.mapper().readTree("{\"requestId\": \"known-1\", \"app\": \"" + app + "\", \"decision\": {\"model\": \"m\"}}"))
                        : Optional.empty();
            }

            @Override
            public JsonNode sql(String app, String snapshotId, String sql, int maxRows) throws IOException {
                if (sql.startsWith("COPY")) {
                    throw new IllegalArgumentException("only one read-only SELECT query may run over the archive");
                }
                if ("f".repeat(64).equals(snapshotId)) {
                    throw new NoSuchFileException("no snapshot");
                }
                return JsonCodec.mapper().createObjectNode().put("app", app).put("sql", sql).put("limit", maxRows).put("snapshot", snapshotId);
            }
        };
        gateway = TestGateway.start(kafka, List.of(new AppSettings("trace", 1, 100), new AppSettings("other", 1, 100)),
                c -> c.withArchiveReaders(Map.of("trace", TRACE_READER, "other", OTHER_READER)), archive);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void answersTheArchivedTraceOfARequestToTheAppsReader() throws Exception {
        HttpResponse<String> response = gateway.get("/v1/admin/trace/trace/known-1", READER);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("decision").path("model").asText()).isEqualTo("m");
    }

    @Test
    void answers404ForAnUnknownRequestOrApp() throws Exception {
        assertThat(gateway.get("/v1/admin/trace/trace/unknown-1", READER).statusCode()).isEqualTo(404);
        assertThat(gateway.get("/v1/admin/trace/nosuch/known-1", READER).statusCode()).isEqualTo(404);
    }

    @Test
    void answers400ForAnIllegalRequestId() throws Exception {
        HttpResponse<String> response = gateway.get("/v1/admin/trace/trace/bad%20id", READER);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("where").asText()).isEqualTo("path requestId");
    }

    @Test
    void needsTheAppsArchiveReaderTokenNotTheAdminTokenNorAnotherAppsReader() throws Exception {
        HttpResponse<String> none = gateway.get("/v1/admin/trace/trace/known-1");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(json(none).path("error").asText()).contains("gateway.archiveReaders.trace");
        assertThat(gateway.get("/v1/admin/trace/trace/known-1", Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(403);
        HttpResponse<String> admin = gateway.get("/v1/admin/trace/trace/known-1", ADMIN);
        assertThat(admin.statusCode()).isEqualTo(403);
        assertThat(json(admin).path("error").asText()).contains("admin token does not grant archive reads");
        HttpResponse<String> otherApp = gateway.get("/v1/admin/trace/trace/known-1", Map.of("Authorization", "Bearer " + OTHER_READER));
        assertThat(otherApp.statusCode()).isEqualTo(403);
        assertThat(json(otherApp).path("error").asText()).contains("not an archive reader of app 'trace'");
        HttpResponse<String> own = gateway.get("/v1/admin/trace/other/known-1", Map.of("Authorization", "Bearer " + OTHER_READER));
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(json(own).path("app").asText()).isEqualTo("other");
    }

    @Test
    void readerTokensDoNotOpenTheRestOfTheAdminApi() throws Exception {
        assertThat(gateway.get("/v1/admin/models", READER).statusCode()).isEqualTo(403);
        assertThat(gateway.get("/v1/admin/models", ADMIN).statusCode()).isEqualTo(200);
    }

    @Test
    void answers503WhenTheArchiveCannotBeRead() throws Exception {
        HttpResponse<String> response = gateway.get("/v1/admin/trace/trace/broken-1", READER);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).path("error").asText()).contains("segment 7");
    }

    @Test
    void runsSqlForTheAppsReaderWithTheLimitAsked() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/admin/archive/trace/sql", "{\"sql\": \"SELECT 1\", \"limit\": 5}", READER);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("limit").asInt()).isEqualTo(5);
        assertThat(json(response).path("app").asText()).isEqualTo("trace");
        assertThat(json(gateway.post("/v1/admin/archive/trace/sql", "{\"sql\": \"SELECT 1\"}", READER)).path("limit").asInt())
                .isEqualTo(ArchiveSqlRoute.DEFAULT_LIMIT);
    }

    @Test
    void refusesSqlWithoutTheRightToken() throws Exception {
        String body = "{\"sql\": \"SELECT 1\"}";
        assertThat(gateway.post("/v1/admin/archive/trace/sql", body, Map.of()).statusCode()).isEqualTo(401);
        assertThat(gateway.post("/v1/admin/archive/trace/sql", body, ADMIN).statusCode()).isEqualTo(403);
        assertThat(gateway.post("/v1/admin/archive/other/sql", body, READER).statusCode()).isEqualTo(403);
    }

    @Test
    void answersBadQueriesAndBodiesWith400NamingTheProblemAndAnUnknownSnapshotWith404() throws Exception {
        assertProblem(gateway.post("/v1/admin/archive/trace/sql", "{\"sql\": \"COPY inputs TO 'x'\"}", READER), 400, "body.sql", "read-only SELECT");
        assertProblem(gateway.post("/v1/admin/archive/trace/sql", "{}", READER), 400, "body.sql", "non-empty string");
        assertProblem(gateway.post("/v1/admin/archive/trace/sql", "{\"sql\": \"SELECT 1\", \"rows\": 3}", READER), 400, "body.rows", "unknown field");
        assertProblem(gateway.post("/v1/admin/archive/trace/sql", "{\"sql\": \"SELECT 1\", \"limit\": 100000}", READER), 400, "body.limit", "1 to");
        assertProblem(gateway.post("/v1/admin/archive/trace/sql", "not json", READER), 400, "body", "not valid JSON: 'not' is not a JSON value (line 1, column 1)");
        assertProblem(gateway.post("/v1/admin/archive/trace/sql", "{\"sql\": \"SELECT 1\", \"snapshot\": \"" + "f".repeat(64) + "\"}", READER),
                404, "body.snapshot", "no snapshot");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String where, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(json(response).path("where").asText()).isEqualTo(where);
        assertThat(json(response).path("error").asText()).contains(message);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JsonCodec.mapper().readTree(response.body());
    }
}
