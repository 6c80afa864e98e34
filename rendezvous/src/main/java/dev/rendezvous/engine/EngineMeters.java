package dev.rendezvous.engine;

import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.ModelScore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The rendezvous's per-model and per-decision meters, looked up once per tag combination: building
 * tags and asking the registry for every score and decision allocated on the request path. Only the
 * rendezvous's consumer thread uses it, so plain maps suffice.
 */
final class EngineMeters {
    private record ModelKey(String app, String model) {
    }

    private record DecisionKey(String app, String outcome, String reason, String model) {
    }

    private final MeterRegistry registry;
    private final Counter lateAnswers;
    private final Counter deadlineMisses;
    private final Map<ModelKey, Counter> lateByModel = new HashMap<>();
    private final Map<ModelKey, Timer> answerLatency = new HashMap<>();
    private final Map<DecisionKey, Counter> decisions = new HashMap<>();
    private final Map<String, Counter> deadLettered = new HashMap<>();
    private final Map<String, Counter> deadLetterRepeats = new HashMap<>();
    private final Map<String, Counter> recovered = new HashMap<>();
    private final Map<String, Counter> adopted = new HashMap<>();
    private final Map<String, Counter> twice = new HashMap<>();
    private final Map<String, Counter> unproven = new HashMap<>();
    private final Map<String, Timer> scoreReadLag = new HashMap<>();

    EngineMeters(MeterRegistry registry) {
        this.registry = registry;
        this.lateAnswers = registry.counter("rdv.rendezvous.late.answers");
        this.deadlineMisses = registry.counter("rdv.rendezvous.deadline.misses");
    }

    void lateAnswer(String app, ModelScore score) {
        lateAnswers.increment();
        lateByModel.computeIfAbsent(new ModelKey(app, score.model() + "@" + score.version()),
                key -> registry.counter("rdv.rendezvous.late.answers.by.model", "app", key.app(), "model", key.model())).increment();
    }

    void answerArrived(String app, ModelScore score, long offsetMs) {
        answerLatency.computeIfAbsent(new ModelKey(app, score.model() + "@" + score.version()),
                key -> registry.timer("rdv.rendezvous.answer.latency", "app", key.app(), "model", key.model()))
                .record(Math.max(0, offsetMs), TimeUnit.MILLISECONDS);
    }

    /** A re-read request a previous owner had decided: its decision was re-sent, not made again. */
    void recovered(String app) {
        recovered.computeIfAbsent(app, key -> registry.counter("rdv.rendezvous.decisions.recovered", "app", key)).increment();
    }

    /** A request a standby answered before this owner decided it: its decision was taken over, none made. */
    void adoptedFromStandby(String app) {
        adopted.computeIfAbsent(app, key -> registry.counter("rdv.rendezvous.decisions.adopted.from.standby", "app", key)).increment();
    }

    /** A request both this owner and a standby answered (the caller kept the first): the owner was slower than the takeover delay. */
    void decidedWithStandby(String app) {
        twice.computeIfAbsent(app, key -> registry.counter("rdv.rendezvous.decisions.also.by.standby", "app", key)).increment();
    }

    /**
     * A decision at a stage end or the deadline taken without proof that every score up to then was read
     * (the broker did not answer the probe in time): a standby may decide that request otherwise.
     */
    void decidedUnproven(String app) {
        unproven.computeIfAbsent(app, key -> registry.counter("rdv.rendezvous.decisions.unproven", "app", key)).increment();
    }

    void deadLettered(String app) {
        deadLettered.computeIfAbsent(app, key -> registry.counter("rdv.rendezvous.dead.letters", "app", key)).increment();
    }

    /** A record refused again (read again after a retry, restart or rebalance) that has its dead letter already: none written. */
    void deadLetterRepeated(String app) {
        deadLetterRepeats.computeIfAbsent(app, key -> registry.counter("rdv.rendezvous.dead.letters.repeated", "app", key)).increment();
    }

    /** How long after a score reached Kafka this instance read it: the rendezvous's own lateness, apart from the models'. */
    void scoreRead(String app, long lagMs) {
        scoreReadLag.computeIfAbsent(app, key -> registry.timer("rdv.rendezvous.score.read.lag", "app", key))
                .record(Math.max(0, lagMs), TimeUnit.MILLISECONDS);
    }

    void decided(Decision decision, long slackMs) {
        if (decision.decidedAtMs() > decision.deadlineAtMs() + slackMs) {
            deadlineMisses.increment();
        }
        String model = decision.model() == null ? "none" : decision.model() + "@" + decision.version();
        decisions.computeIfAbsent(new DecisionKey(decision.app(), decision.outcome().wireName(), decision.reason(), model),
                key -> registry.counter("rdv.rendezvous.decisions", "app", key.app(), "outcome", key.outcome(),
                        "reason", key.reason(), "model", key.model())).increment();
    }
}
