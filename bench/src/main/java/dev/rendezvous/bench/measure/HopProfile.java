package dev.rendezvous.bench.measure;

import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.protocol.Candidate;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelScore;
import dev.rendezvous.protocol.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where the time of the rendezvous path goes, from the platform's own records: reads the scores and
 * results topics while the load runs and splits each served request into gateway receipt → runner
 * start (queue wait: gateway produce, hop 1, poll), inference, runner done → rendezvous arrival (hop 2)
 * and arrival → decision. Timestamps are the records' own: milliseconds, except the runner's microseconds.
 */
public final class HopProfile implements AutoCloseable {
    /** One component's distribution, in milliseconds. */
    public record Component(String name, long count, double p50Ms, double p90Ms, double p99Ms, double maxMs) {
    }

    private record RunnerTimings(long queueWaitMicros, long inferenceMicros, int batchSize) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final String scoresTopic;
    private final Map<String, RunnerTimings> timings = new java.util.HashMap<>();
    private final Map<String, Histogram> queueWaitByModel = new LinkedHashMap<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final Map<String, Long> answerLatencyMs = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running = true;

    private HopProfile(KafkaSettings kafka, String app, int partitions) {
        this.scoresTopic = kafka.topics().scores(app);
        String resultsTopic = kafka.topics().results(app);
        // The bench's own observer must not compete with the path it measures: it needs the records'
        // timings, not their early arrival, so the broker gathers them (one fetch per 100 ms, not per record).
        this.consumer = new KafkaConsumer<>(kafka.batchingConsumerConfig(null, "bench-hop-profile", "latest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assigned = new ArrayList<>();
        IntStream.range(0, partitions).forEach(p -> {
            assigned.add(new TopicPartition(scoresTopic, p));
            assigned.add(new TopicPartition(resultsTopic, p));
        });
        this.thread = new Thread(() -> loop(assigned), "bench-hop-profile");
        thread.setDaemon(true);
    }

    /** Starts reading from the current end of the app's scores and results topics. */
    public static HopProfile start(KafkaSettings kafka, String app, int partitions) throws InterruptedException {
        HopProfile profile = new HopProfile(kafka, app, partitions);
        profile.thread.start();
        profile.positioned.await(30, TimeUnit.SECONDS);
        return profile;
    }

    private void loop(List<TopicPartition> assigned) {
        try {
            consumer.assign(assigned);
            consumer.seekToEnd(assigned);
            assigned.forEach(consumer::position);
            positioned.countDown();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    collect(record);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private synchronized void collect(ConsumerRecord<String, byte[]> record) {
        if (record.topic().equals(scoresTopic)) {
            ModelScore score = JsonCodec.decode(record.value(), ModelScore.class);
            record(queueWaitByModel.computeIfAbsent(score.modelRef().toString(), m -> histogram()), score.queueWaitMicros());
            // Only the timings are kept: a run holds hundreds of thousands of scores.
            timings.put(score.requestId() + "/" + score.modelRef(), new RunnerTimings(score.queueWaitMicros(), score.inferenceMicros(), score.batchSize()));
        } else {
            decisions.add(JsonCodec.decode(record.value(), Decision.class));
        }
    }

    /** Stops reading and summarises what was read. */
    public List<Component> stopAndSummarise() throws InterruptedException {
        close();
        synchronized (this) {
            return summarise();
        }
    }

    private List<Component> summarise() {
        Histogram queueWait = histogram();
        Histogram inference = histogram();
        Histogram hop2 = histogram();
        Histogram arrivalToDecision = histogram();
        Histogram receiptToDecision = histogram();
        Histogram fallbackReceiptToDecision = histogram();
        Histogram decisionToAnswer = histogram();
        Histogram afterDeadline = histogram();
        Histogram replyMargin = histogram();
        long batchRows = 0;
        long batches = 0;
        for (Decision decision : decisions) {
            Long answerMs = answerLatencyMs.get(decision.requestId());
            if (answerMs != null) {
                record(decisionToAnswer, (answerMs - decision.latencyMs()) * 1000);
                long pastDeadlineMs = answerMs - (decision.deadlineAtMs() - decision.receivedAtMs());
                if (pastDeadlineMs > 0) {
                    record(afterDeadline, pastDeadlineMs * 1000);
                }
            }
            if (decision.replyMarginMs() != null) {
                record(replyMargin, decision.replyMarginMs() * 1000);
            }
            if (decision.outcome() != Outcome.MODEL) {
                record(fallbackReceiptToDecision, decision.latencyMs() * 1000);
                continue;
            }
            record(receiptToDecision, decision.latencyMs() * 1000);
            RunnerTimings score = timings.get(decision.requestId() + "/" + decision.model() + "@" + decision.version());
            Candidate candidate = decision.candidates().stream()
                    .filter(c -> c.model().equals(decision.model()) && c.version().equals(decision.version())).findFirst().orElse(null);
            if (score == null || candidate == null) {
                continue;
            }
            record(queueWait, score.queueWaitMicros());
            record(inference, score.inferenceMicros());
            long runnerDoneMicros = score.queueWaitMicros() + score.inferenceMicros();
            record(hop2, candidate.arrivalMs() * 1000 - runnerDoneMicros);
            record(arrivalToDecision, (decision.latencyMs() - candidate.arrivalMs()) * 1000);
            batchRows += score.batchSize();
            batches++;
        }
        List<Component> components = new ArrayList<>();
        components.add(component("gateway receipt → served model starts scoring (gateway produce, hop 1, runner poll)", queueWait));
        components.add(component("inference of the served model's batch (mean batch " + (batches == 0 ? "-" : String.format("%.1f", (double) batchRows / batches)) + ")", inference));
        components.add(component("runner done → score at the rendezvous (runner produce, hop 2, poll; ms clock)", hop2));
        components.add(component("score arrival → decision published (ms clock)", arrivalToDecision));
        components.add(component("gateway receipt → decision, model answers (decidedAtMs − receivedAtMs)", receiptToDecision));
        components.add(component("gateway receipt → decision, fallbacks (no accepted model in time)", fallbackReceiptToDecision));
        components.add(component("decision published → HTTP answer written (reply hop, reply listener, gateway event loop; ms clock)", decisionToAnswer));
        components.add(component("answers written after their deadline (count), by how much (gateway latencyMs − deadline)", afterDeadline));
        components.add(component("reply margin kept before the deadline (decisions with one: count; replyMarginMs)", replyMargin));
        queueWaitByModel.forEach((model, histogram) -> components.add(component("queue wait of " + model + " (all its scores)", histogram)));
        return components;
    }

    /** Notes the gateway's own latency ({@code latencyMs} of its answer) of one request, to split off the reply path. */
    public void answered(String requestId, long latencyMs) {
        if (running) {
            answerLatencyMs.put(requestId, latencyMs);
        }
    }

    private static void record(Histogram histogram, long micros) {
        histogram.recordValue(Math.min(Math.max(0, micros), histogram.getHighestTrackableValue()));
    }

    private static Histogram histogram() {
        return new Histogram(60_000_000L, 3);
    }

    private static Component component(String name, Histogram micros) {
        return component(name, micros, 1000);
    }

    /** A component from a histogram whose values are in {@code 1/unitsPerMs} of a millisecond. */
    public static Component component(String name, Histogram values, double unitsPerMs) {
        if (values.getTotalCount() == 0) {
            return new Component(name, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Component(name, values.getTotalCount(), values.getValueAtPercentile(50) / unitsPerMs,
                values.getValueAtPercentile(90) / unitsPerMs, values.getValueAtPercentile(99) / unitsPerMs, values.getMaxValue() / unitsPerMs);
    }

    @Override
    public void close() throws InterruptedException {
        if (running) {
            running = false;
            consumer.wakeup();
            thread.join(5_000);
        }
    }
}
