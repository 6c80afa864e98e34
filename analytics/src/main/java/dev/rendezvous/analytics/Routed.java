package dev.rendezvous.analytics;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** An output record with the topic it goes to: the analytics or the alerts topic of its app. */
record Routed(String topic, byte[] payload) {
    /** Writes the payload as is; outputs are never read back by this service. */
    static final Serde<Routed> SERDE = new Serde<>() {
        @Override
        public Serializer<Routed> serializer() {
            return (topic, value) -> value == null ? null : value.payload();
        }

        @Override
        public Deserializer<Routed> deserializer() {
            return (topic, bytes) -> {
                throw new UnsupportedOperationException("routed output is written, never read");
            };
        }
    };
}
