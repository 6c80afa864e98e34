package dev.rendezvous.deploy.cli;

import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.runner.cli.KafkaOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code topic create}: a Kafka-native client's reply topic, so that the docs' first step needs no
 * Kafka distribution (the project ships none, and the embedded broker creates no topic on first use).
 */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Creates a Kafka-native client's reply topic.",
        subcommands = TopicCommand.Create.class)
public final class TopicCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code topic create NAME}: exit 0 when the topic exists afterwards (created now or before), 1 with the reason otherwise. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates a reply topic for a Kafka-native client: NAME must end in '.replies' (docs/api.md, \"Kafka-native clients\").",
                    "Replies are worthless after their deadline, so it keeps records for an hour. An existing topic is left as it is."})
    static final class Create implements Callable<Integer> {
        static final long RETENTION_MS = 3_600_000L;

        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @Parameters(index = "0", paramLabel = "NAME", description = "the topic's full name, e.g. my-service.replies (no prefix is added)")
        String name;

        @Option(names = "--partitions", defaultValue = "1", paramLabel = "N", description = "partitions (default: 1, plenty for replies)")
        int partitions;

        @Option(names = "--replication-factor", defaultValue = "1", paramLabel = "N", description = "replicas of each partition (default: 1)")
        short replicationFactor;

        @Override
        public Integer call() throws InterruptedException {
            String problem = problem(name, partitions, replicationFactor);
            if (problem != null) {
                return fail(problem);
            }
            NewTopic topic = new NewTopic(name, partitions, replicationFactor).configs(Map.of("retention.ms", Long.toString(RETENTION_MS)));
            try (Admin admin = kafka.settings().newAdmin("topic-create")) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                    spec.commandLine().getOut().printf("created %s (%d partition%s, retention 1 h)%n", name, partitions, partitions == 1 ? "" : "s");
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        return fail("cannot create " + name + ": " + e.getCause().getMessage());
                    }
                    int existing = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name).partitions().size();
                    spec.commandLine().getOut().printf("%s exists already (%d partition%s); left as it is%n", name, existing, existing == 1 ? "" : "s");
                }
            } catch (ExecutionException e) {
                return fail("cannot describe " + name + ": " + e.getCause().getMessage());
            } catch (TimeoutException e) {
                return fail("Kafka at " + kafka.settings().bootstrapServers() + " did not answer within 30 s");
            }
            spec.commandLine().getOut().flush();
            return 0;
        }

        /** Why the arguments cannot make a client reply topic, or null. */
        static String problem(String name, int partitions, short replicationFactor) {
            String notReply = TopicNames.replyTopicProblem(name);
            if (notReply != null) {
                return notReply;
            }
            if (!name.endsWith(".replies")) {
                return "'" + name + "' is a gateway's reply topic, which its gateway creates; a client's is named '<name>.replies'";
            }
            if (partitions < 1 || partitions > 1000) {
                return "--partitions is " + partitions + "; expected 1 to 1000";
            }
            if (replicationFactor < 1) {
                return "--replication-factor is " + replicationFactor + "; expected at least 1";
            }
            return null;
        }

        private int fail(String problem) {
            spec.commandLine().getErr().println("topic create: " + problem);
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
