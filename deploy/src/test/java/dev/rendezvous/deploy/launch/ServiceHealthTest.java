package dev.rendezvous.deploy.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ServiceHealthTest {
    private final AtomicBoolean kafka = new AtomicBoolean(true);
    private final AtomicBoolean decoy = new AtomicBoolean(true);

    @Test
    void isReadyOnlyOnceStartedWithKafkaReachableAndEveryServiceRunning() {
        try (ServiceHealth health = new ServiceHealth(kafka::get).start()) {
            health.require("the decoy stopped consuming", decoy::get);
            health.require(() -> List.of());
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> health.problems().size() == 1);
            assertThat(health.problems()).containsExactly("starting: not every service of this process is up yet");

            health.started();
            assertThat(health.problems()).isEmpty();

            decoy.set(false);
            assertThat(health.problems()).containsExactly("the decoy stopped consuming");
            decoy.set(true);

            health.stopping();
            assertThat(health.problems()).containsExactly("shutting down");
        }
    }

    @Test
    void reportsKafkaUnreachableFromTheBackgroundProbeWithoutCallingItPerRequest() {
        kafka.set(false);
        try (ServiceHealth health = new ServiceHealth(() -> {
            if (Thread.currentThread().getName().equals("management-readiness")) {
                return kafka.get();
            }
            throw new AssertionError("Kafka probed on the caller's thread");
        }).start()) {
            health.started();
            assertThat(health.problems()).contains("Kafka is unreachable (checked every 2 s)");
            kafka.set(true);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> health.problems().isEmpty());
        }
    }

    @Test
    void listsEveryProblemOfAMultiProblemCheck() {
        try (ServiceHealth health = new ServiceHealth(() -> true).start()) {
            health.started();
            health.require(() -> List.of("model a@1 of app x: its runner stopped consuming", "model b@1 of app x: owns no partition of its requests topic (yet)"));
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(health.problems()).hasSize(2));
        }
    }
}
