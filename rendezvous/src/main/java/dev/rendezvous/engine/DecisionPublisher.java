package dev.rendezvous.engine;

import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.RecordHeaders;
import dev.rendezvous.protocol.TopicNames;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a decision to the caller's return address and to the application's results topic. */
final class DecisionPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionPublisher.class);

    private final Producer<String, byte[]> producer;
    private final TopicNames topics;

    DecisionPublisher(Producer<String, byte[]> producer, TopicNames topics) {
        this.producer = producer;
        this.topics = topics;
    }

    void publish(Decision decision, String replyTo, String traceparent) {
        byte[] value = JsonCodec.encode(decision);
        if (replyTo != null) {
            send(new ProducerRecord<>(replyTo, decision.requestId(), value), traceparent);
        }
        send(new ProducerRecord<>(topics.results(decision.app()), decision.requestId(), value), traceparent);
    }

    private void send(ProducerRecord<String, byte[]> record, String traceparent) {
        if (traceparent != null) {
            RecordHeaders.put(record.headers(), RecordHeaders.TRACEPARENT, traceparent);
        }
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                LOG.error("cannot send decision for request {} to {}: {}", record.key(), record.topic(), error.toString());
            }
        });
    }

    void flush() {
        producer.flush();
    }
}
