package dev.rendezvous.bench.targets;

import dev.rendezvous.kafka.KafkaSettings;
import java.util.function.LongSupplier;

/** A running platform the bench drives over HTTP: inside the bench's JVM, or in a JVM of its own as a user starts it. */
public interface PlatformInstance extends AutoCloseable {

    /** The gateway's HTTP port on 127.0.0.1. */
    int gatewayPort();

    /** The platform's broker and topic names, for the bench's own observers of its records. */
    KafkaSettings kafka();

    /** Wall time from the start command to ready. */
    long startMillis();

    /**
     * CPU nanoseconds the platform's own process has used so far, when it has one; null when the
     * platform shares the bench's process (then its CPU is in the bench process's figure).
     */
    LongSupplier processCpuNanos();

    @Override
    void close();
}
