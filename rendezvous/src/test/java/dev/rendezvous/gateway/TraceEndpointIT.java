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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/admin/trace/{app}/{requestId}} backed by an in-memory {@link TraceLookup}. */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceEndpointIT {
    private static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + TestGateway.TOKEN);
    private TestGateway gateway;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("trace-endpoint"));
        TraceLookup archive = (app, requestId) -> {
            if (requestId.equals("broken-1")) {
                throw new IOException("segment 7 is unreadable");
            }
            return requestId.equals("known-1")
                    ? Optional.of(JsonCodec.mapper().readTree("{\"requestId\": \"known-1\", \"decision\": {\"model\": \"m\"}}"))
                    : Optional.empty();
        };
        gateway = TestGateway.start(kafka, List.of(new AppSettings("trace", 1, 100)), c -> c, archive);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void answersTheArchivedTraceOfARequest() throws Exception {
        HttpResponse<String> response = gateway.get("/v1/admin/trace/trace/known-1", ADMIN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("decision").path("model").asText()).isEqualTo("m");
    }

    @Test
    void answers404ForAnUnknownRequestOrApp() throws Exception {
        assertThat(gateway.get("/v1/admin/trace/trace/unknown-1", ADMIN).statusCode()).isEqualTo(404);
        assertThat(gateway.get("/v1/admin/trace/nosuch/known-1", ADMIN).statusCode()).isEqualTo(404);
    }

    @Test
    void answers400ForAnIllegalRequestId() throws Exception {
        HttpResponse<String> response = gateway.get("/v1/admin/trace/trace/bad%20id", ADMIN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).path("where").asText()).isEqualTo("path requestId");
    }

    @Test
    void needsTheAdminToken() throws Exception {
        assertThat(gateway.get("/v1/admin/trace/trace/known-1").statusCode()).isEqualTo(401);
        assertThat(gateway.get("/v1/admin/trace/trace/known-1", Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(403);
    }

    @Test
    void answers503WhenTheArchiveCannotBeRead() throws Exception {
        HttpResponse<String> response = gateway.get("/v1/admin/trace/trace/broken-1", ADMIN);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(json(response).path("error").asText()).contains("segment 7");
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JsonCodec.mapper().readTree(response.body());
    }
}
