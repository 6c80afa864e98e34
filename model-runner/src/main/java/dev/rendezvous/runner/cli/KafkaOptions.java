package dev.rendezvous.runner.cli;

import dev.rendezvous.kafka.KafkaSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The Kafka options every {@code model} subcommand (and the launcher's {@code topic create}) takes. */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,HOST:PORT]", description = "Kafka bootstrap servers")
    String bootstrapServers;

    @Option(names = "--topic-prefix", defaultValue = "", paramLabel = "PREFIX", description = "prefix of every platform topic (default: none)")
    String topicPrefix;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "extra Kafka client property (TLS, SASL, tuning), repeatable; applied last, so it wins")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    public KafkaSettings settings() {
        return new KafkaSettings(bootstrapServers, kafkaProperties, topicPrefix, 1);
    }
}
