package dev.rendezvous.analytics;

import com.tdunning.math.stats.MergingDigest;
import dev.rendezvous.protocol.ModelRole;
import java.util.Map;
import java.util.TreeMap;

/** One model version's counts and distributions in one window; mutable, owned by its {@link WindowFigures}. */
final class ModelWindow {
    ModelRole role;
    long requests;
    long decided;
    long served;
    long late;
    long errors;
    long comparedServed;
    long agreedServed;
    long comparedCanary;
    long agreedCanary;
    /** Per other live model: {compared, agreed}. */
    final Map<String, long[]> live = new TreeMap<>();
    /** Per predicted label: how many of this model's outputs had it. */
    final Map<String, Long> labels = new TreeMap<>();
    final MergingDigest scores;
    final MergingDigest latencies;
    boolean driftAlerted;
    boolean disagreementAlerted;

    ModelWindow(ModelRole role) {
        this(role, Digests.create(), Digests.create());
    }

    private ModelWindow(ModelRole role, MergingDigest scores, MergingDigest latencies) {
        this.role = role;
        this.scores = scores;
        this.latencies = latencies;
    }

    static double share(long part, long whole) {
        return whole == 0 ? 0 : part / (double) whole;
    }

    static Double ratio(long part, long whole) {
        return whole == 0 ? null : part / (double) whole;
    }

    /** Adds {@code other}'s counts and distributions to this one (a sliding window gathers its panes this way). */
    void merge(ModelWindow other) {
        role = other.role;
        requests += other.requests;
        decided += other.decided;
        served += other.served;
        late += other.late;
        errors += other.errors;
        comparedServed += other.comparedServed;
        agreedServed += other.agreedServed;
        comparedCanary += other.comparedCanary;
        agreedCanary += other.agreedCanary;
        other.live.forEach((ref, counts) -> {
            long[] mine = live.computeIfAbsent(ref, r -> new long[2]);
            mine[0] += counts[0];
            mine[1] += counts[1];
        });
        other.labels.forEach((label, count) -> labels.merge(label, count, Long::sum));
        if (other.scores.size() > 0) {
            scores.add(other.scores);
        }
        if (other.latencies.size() > 0) {
            latencies.add(other.latencies);
        }
    }

    /** The store's form of this window. */
    State state() {
        Map<String, long[]> pairs = new TreeMap<>();
        live.forEach((ref, counts) -> pairs.put(ref, counts.clone()));
        return new State(role, requests, decided, served, late, errors, comparedServed, agreedServed, comparedCanary, agreedCanary, pairs,
                Digests.toBytes(scores), Digests.toBytes(latencies), new TreeMap<>(labels), driftAlerted, disagreementAlerted);
    }

    static ModelWindow of(State s) {
        ModelWindow w = new ModelWindow(s.role(), Digests.fromBytes(s.scores()), Digests.fromBytes(s.latencies()));
        w.requests = s.requests();
        w.decided = s.decided();
        w.served = s.served();
        w.late = s.late();
        w.errors = s.errors();
        w.comparedServed = s.comparedServed();
        w.agreedServed = s.agreedServed();
        w.comparedCanary = s.comparedCanary();
        w.agreedCanary = s.agreedCanary();
        if (s.live() != null) {
            s.live().forEach((ref, counts) -> w.live.put(ref, counts.clone()));
        }
        if (s.labels() != null) {
            w.labels.putAll(s.labels());
        }
        w.driftAlerted = s.driftAlerted();
        w.disagreementAlerted = s.disagreementAlerted();
        return w;
    }

    /** A model window as the state store keeps it (digests in t-digest's byte form). */
    record State(ModelRole role, long requests, long decided, long served, long late, long errors, long comparedServed, long agreedServed,
                 long comparedCanary, long agreedCanary, Map<String, long[]> live, byte[] scores, byte[] latencies, Map<String, Long> labels,
                 boolean driftAlerted,
                 boolean disagreementAlerted) {
    }
}
