package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** {@code rendezvous topic create}, the docs' first step of a Kafka-native client, against the real broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
class TopicCommandIT {

    @Test
    void createsAClientReplyTopicOnceAndLeavesAnExistingOneAsItIs(EmbeddedKafkaBroker broker) throws Exception {
        String topic = EmbeddedKafkaExtension.uniquePrefix("topic-command") + "my-service.replies";

        Run created = run("topic", "create", topic, "--bootstrap-servers", broker.bootstrapServers());
        assertThat(created.exit).as(created.err).isZero();
        assertThat(created.out).contains("created " + topic + " (1 partition, retention 1 h)");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("3600000");
        }

        Run again = run("topic", "create", topic, "--partitions", "4", "--bootstrap-servers", broker.bootstrapServers());
        assertThat(again.exit).as(again.err).isZero();
        assertThat(again.out).contains(topic + " exists already (1 partition); left as it is");
    }

    @Test
    void refusesANameThatIsNotAClientReplyTopic(EmbeddedKafkaBroker broker) {
        Run platformTopic = run("topic", "create", "fraud.requests", "--bootstrap-servers", broker.bootstrapServers());
        assertThat(platformTopic.exit).isEqualTo(1);
        assertThat(platformTopic.err).contains("topic create: 'fraud.requests' is not a reply topic");

        Run gatewayTopic = run("topic", "create", "rdv.replies.gw-1", "--bootstrap-servers", broker.bootstrapServers());
        assertThat(gatewayTopic.exit).isEqualTo(1);
        assertThat(gatewayTopic.err).contains("is a gateway's reply topic, which its gateway creates");

        Run noPartitions = run("topic", "create", "x.replies", "--partitions", "0", "--bootstrap-servers", broker.bootstrapServers());
        assertThat(noPartitions.exit).isEqualTo(1);
        assertThat(noPartitions.err).contains("--partitions is 0; expected 1 to 1000");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
