package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka going away and coming back, on a broker of this test's own (the shared one must stay up):
 * readiness flips, scoring answers 503 with Retry-After instead of waiting, and both recover.
 */
class KafkaOutageIT {
    private static final String BODY = "{\"features\": {\"a\": 1}}";

    @Test
    void answers503WhileKafkaIsAwayAndRecoversWhenItReturns(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("kafka"));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, 0);
        int port = broker.port();
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), "outage.");
        TestGateway gateway = TestGateway.start(kafka, List.of(new AppSettings("orders", 1, 100)), c -> c.withReplyGraceMs(50),
                TraceLookup.NOT_CONFIGURED);
        try {
            assertThat(gateway.post("/v1/score/orders", BODY, Map.of()).statusCode()).isEqualTo(504);

            broker.close();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> gateway.get("/health/ready").statusCode() == 503);
            HttpResponse<String> refused = gateway.post("/v1/score/orders", BODY, Map.of());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.body()).contains("Kafka");
            assertThat(gateway.get("/v2/health/ready").statusCode()).isEqualTo(400);

            broker = EmbeddedKafkaBroker.start(data, port);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> gateway.get("/health/ready").statusCode() == 200);
            long before = gateway.requestRecords("orders");
            assertThat(gateway.post("/v1/score/orders", BODY, Map.of("X-Request-Id", "after-outage-1")).statusCode()).isEqualTo(504);
            assertThat(gateway.requestRecords("orders")).isEqualTo(before + 1);
        } finally {
            gateway.close();
            broker.close();
        }
    }
}
