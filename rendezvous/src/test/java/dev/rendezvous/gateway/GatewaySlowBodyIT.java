package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bodies that never finish (issue 22): a chunked body without its last chunk, a Content-Length larger
 * than what is sent. Against the real gateway on the embedded broker, over raw sockets on loopback.
 * No rendezvous runs, so an admitted valid request ends in a 504 timeout — and a 503 would mean the
 * slow bodies had taken its slot.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewaySlowBodyIT {
    private static final String APP = "slowbody";
    private static final long BODY_TIMEOUT_MS = 4_000;
    /** Room for a busy machine between the timer and the answer read; the timeout is minutes without a body timeout. */
    private static final long MARGIN_MS = 3_000;
    private static final int SLOW_CONNECTIONS = 60;
    private static final int PER_APP_LIMIT = 10;
    private static final String VALID = "{\"features\": {\"a\": 1}}";
    private TestGateway gateway;

    @BeforeAll
    void start(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("gateway-slow-body"));
        gateway = TestGateway.start(kafka, List.of(new AppSettings(APP, 1, 200)),
                config -> config.withInflightLimits(2 * PER_APP_LIMIT, PER_APP_LIMIT).withReplyGraceMs(50).withBodyTimeoutMs(BODY_TIMEOUT_MS),
                TraceLookup.NOT_CONFIGURED);
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void slowBodiesHoldNoInflightSlotAndEachIsAnswered408WithinTheBodyTimeout() throws Exception {
        List<RawHttp> slow = new ArrayList<>();
        List<Long> openedAtMs = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                RawHttp connection = new RawHttp(gateway.server.port(), (int) (BODY_TIMEOUT_MS + MARGIN_MS));
                openedAtMs.add(System.currentTimeMillis());
                connection.send(i % 2 == 0 ? head("Content-Length: 100") + "{\"features\":" : head("Transfer-Encoding: chunked") + "5\r\n{\"fea\r\n");
                slow.add(connection);
            }

            // Six times the app's limit of slow bodies are open: valid requests are still admitted and sent.
            List<Integer> validStatuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> valid = gateway.post("/v1/score/" + APP, VALID, Map.of("X-Deadline-Ms", "20"));
                validStatuses.add(valid.statusCode());
            }
            long validDoneAtMs = System.currentTimeMillis();

            assertThat(validDoneAtMs).as("the valid requests ran while every slow body was still open")
                    .isLessThan(openedAtMs.get(0) + BODY_TIMEOUT_MS);
            assertThat(validStatuses).containsOnly(504);
            for (int i = 0; i < slow.size(); i++) {
                RawHttp.Response answer = slow.get(i).read();
                long tookMs = System.currentTimeMillis() - openedAtMs.get(i);
                JsonNode error = answer.json();

                assertThat(answer.status()).as("slow connection %d", i).isEqualTo(408);
                assertThat(answer.headers().get("content-type")).isEqualTo("application/json");
                assertThat(error.path("status").asInt()).isEqualTo(408);
                assertThat(error.path("where").asText()).isEqualTo("body");
                assertThat(error.path("error").asText()).contains("gateway.bodyTimeoutMs")
                        .contains(i % 2 == 0 ? "of the 100 its Content-Length announced" : "the chunked body never ended");
                assertThat(tookMs).as("slow connection %d answered after", i).isLessThan(BODY_TIMEOUT_MS + MARGIN_MS);
                assertThat(slow.get(i).closedByServer()).as("slow connection %d closed", i).isTrue();
            }
        } finally {
            for (RawHttp connection : slow) {
                connection.close();
            }
        }
        assertThat(gateway.post("/v1/score/" + APP, VALID, Map.of("X-Deadline-Ms", "20")).statusCode()).isEqualTo(504);
    }

    @Test
    void aBodyThatPausesButArrivesWithinTheTimeoutIsScored() throws Exception {
        String body = "{\"features\": {\"a\": 1}}";
        try (RawHttp connection = new RawHttp(gateway.server.port(), (int) (BODY_TIMEOUT_MS + MARGIN_MS))) {
            connection.send(head("Content-Length: " + body.length() + "\r\nX-Deadline-Ms: 20") + body.substring(0, 10));
            Thread.sleep(500); // pacing the upload, not waiting for a result
            connection.send(body.substring(10));

            RawHttp.Response answer = connection.read();

            assertThat(answer.status()).isEqualTo(504);
            assertThat(answer.json().path("outcome").asText()).isEqualTo("timeout");
        }
    }

    private static String head(String lengthHeader) {
        return "POST /v1/score/" + APP + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + lengthHeader + "\r\n\r\n";
    }
}
