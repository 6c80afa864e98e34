package dev.rendezvous.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A group member killed with -9 and restarted under its member name owns its partitions again at
 * once; restarted without one (dynamic membership), it waits for the dead member's session to end.
 * Each member runs in a process of its own, so the kill is real.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class StaticMembershipIT {
    @Test
    void aMemberRestartedAfterKillNineUnderItsNameOwnsItsPartitionsAtOnce(EmbeddedKafkaBroker broker) throws Exception {
        String prefix = EmbeddedKafkaExtension.uniquePrefix("static");
        String topic = prefix + "work";
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), prefix);
        try (Admin admin = kafka.newAdmin("static-it")) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        long staticMs = restartAfterKill(broker, prefix + "static-group", topic, "member-1");
        long dynamicMs = restartAfterKill(broker, prefix + "dynamic-group", topic, null);
        System.out.printf("kill -9 then restart: partitions owned again after %d ms as a static member, %d ms as a dynamic one%n",
                staticMs, dynamicMs);

        assertThat(staticMs).as("static member: no wait for the %d ms session timeout", KafkaSettings.GROUP_SESSION_TIMEOUT_MS)
                .isLessThan(KafkaSettings.GROUP_SESSION_TIMEOUT_MS / 2);
        assertThat(dynamicMs).as("a dynamic member waits for the dead one's session: the comparison measures something")
                .isGreaterThan(KafkaSettings.GROUP_SESSION_TIMEOUT_MS / 2);
    }

    /** Milliseconds from starting the replacement of a killed member until it owns partitions. */
    private static long restartAfterKill(EmbeddedKafkaBroker broker, String group, String topic, String memberName) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, GroupMemberProcess.class.getName(),
                broker.bootstrapServers(), group, topic, memberName == null ? "-" : memberName).redirectErrorStream(true);
        // CLASSPATH, not -cp: long command lines crash native libraries on this machine (measured-facts).
        builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        Process first = builder.start();
        try {
            CompletableFuture<Boolean> assigned = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("ASSIGNED")) {
                            return true;
                        }
                    }
                    return false;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertThat(assigned.get(60, TimeUnit.SECONDS)).as("the first member got its partitions").isTrue();
        } finally {
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        KafkaSettings settings = KafkaSettings.local(broker.bootstrapServers(), "");
        if (memberName != null) {
            settings = settings.withMemberName(memberName);
        }
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> replacement = settings.newConsumer(group, "replacement", "earliest")) {
            replacement.subscribe(List.of(topic));
            long until = start + Duration.ofSeconds(60).toNanos();
            while (replacement.assignment().isEmpty() && System.nanoTime() < until) {
                replacement.poll(Duration.ofMillis(50));
            }
            assertThat(replacement.assignment()).as("the replacement got partitions within 60 s").isNotEmpty();
            return (System.nanoTime() - start) / 1_000_000;
        }
    }
}
