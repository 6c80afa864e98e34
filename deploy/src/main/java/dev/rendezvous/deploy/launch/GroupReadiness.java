package dev.rendezvous.deploy.launch;

import dev.rendezvous.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until every consumer group of the platform is stable with partitions assigned. Model
 * runners join from the latest offset, so a request accepted before its runners own their
 * partitions would never be scored by them.
 */
final class GroupReadiness {
    private static final Logger LOG = LoggerFactory.getLogger(GroupReadiness.class);

    private GroupReadiness() {
    }

    static void await(KafkaSettings kafka, Collection<String> groupIds, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        try (Admin admin = kafka.newAdmin("platform-readiness")) {
            List<String> waiting = List.of("(not checked)");
            while (System.nanoTime() < until) {
                waiting = unsettledGroups(admin, groupIds);
                if (waiting.isEmpty()) {
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            LOG.warn("consumer groups not settled after {} s: {}; starting anyway", timeout.toSeconds(), waiting);
        }
    }

    private static List<String> unsettledGroups(Admin admin, Collection<String> groupIds) {
        List<String> waiting = new ArrayList<>();
        try {
            for (ConsumerGroupDescription group : admin.describeConsumerGroups(groupIds).all().get(5, TimeUnit.SECONDS).values()) {
                boolean assigned = group.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty());
                if (group.groupState() != GroupState.STABLE || !assigned) {
                    waiting.add(group.groupId() + " (" + group.groupState() + ")");
                }
            }
        } catch (Exception e) {
            waiting.add("cannot describe groups: " + e);
        }
        return waiting;
    }
}
