package dev.rendezvous.engine;

import org.apache.kafka.common.TopicPartition;

/** Where a request or score record was read from, so its offset is committed only once its request is decided. */
record RecordPosition(TopicPartition partition, long offset) {
}
