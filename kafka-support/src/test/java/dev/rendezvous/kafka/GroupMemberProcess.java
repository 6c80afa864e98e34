package dev.rendezvous.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A group member in a process of its own, for a test to kill -9:
 * {@code GroupMemberProcess <bootstrap> <group> <topic> <member name or "-">}. Prints
 * {@code ASSIGNED <n>} whenever it owns partitions; polls until killed (at most 5 minutes).
 */
public final class GroupMemberProcess {
    private GroupMemberProcess() {
    }

    public static void main(String[] args) {
        KafkaSettings settings = KafkaSettings.local(args[0], "");
        if (!args[3].equals("-")) {
            settings = settings.withMemberName(args[3]);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer(args[1], "member-process", "earliest")) {
            consumer.subscribe(List.of(args[2]), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!consumer.assignment().isEmpty()) {
                        System.out.println("ASSIGNED " + consumer.assignment().size());
                        System.out.flush();
                    }
                }
            });
            long until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(100));
            }
        }
    }
}
