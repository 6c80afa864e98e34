package dev.rendezvous.analytics;

import dev.rendezvous.protocol.AnalyticsAlert;
import dev.rendezvous.protocol.ModelAnalytics;
import dev.rendezvous.protocol.ModelRole;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every model's figures of one app over one window {@code [startMs, startMs + sizeMs)} (a tumbling
 * window, a sliding window's pane, or a sliding window merged from its panes): requests are added as
 * they settle; {@link #figures} and {@link #alerts} read them. Pure logic, no Kafka.
 */
final class WindowFigures {
    final String app;
    final long sizeMs;
    final long startMs;
    private final Map<String, ModelWindow> models = new TreeMap<>();
    private String canary;

    WindowFigures(String app, long sizeMs, long startMs) {
        this.app = app;
        this.sizeMs = sizeMs;
        this.startMs = startMs;
    }

    long endMs() {
        return startMs + sizeMs;
    }

    /** The store key of a window. */
    static String key(String app, long sizeMs, long startMs) {
        return app + "/" + sizeMs + "/" + startMs;
    }

    String key() {
        return key(app, sizeMs, startMs);
    }

    /**
     * Whether two answers agree: the same label when both have one, else scores at most
     * {@code scoreTolerance} apart (0: labels only); null when they cannot be compared (an error, or
     * neither a label pair nor a score pair).
     */
    static Boolean agree(RequestSummary.Answer a, RequestSummary.Answer b, double scoreTolerance) {
        if (a.error() != null || b.error() != null) {
            return null;
        }
        if (a.label() != null && b.label() != null) {
            return a.label().equals(b.label());
        }
        if (scoreTolerance > 0 && a.score() != null && b.score() != null) {
            return Math.abs(a.score() - b.score()) <= scoreTolerance;
        }
        return null;
    }

    /** Counts one settled request; outputs without labels agree when their scores are within {@code scoreTolerance}. */
    void add(RequestSummary request, double scoreTolerance) {
        List<RequestSummary.Answer> answers = request.answers();
        Optional<RequestSummary.Answer> canaryAnswer = answers.stream().filter(a -> a.role() == ModelRole.CANARY)
                .min(Comparator.comparing(RequestSummary.Answer::ref));
        canaryAnswer.ifPresent(a -> canary = a.ref());
        Optional<RequestSummary.Answer> servedAnswer = request.served() == null ? Optional.empty()
                : answers.stream().filter(a -> a.ref().equals(request.served())).findFirst();
        for (RequestSummary.Answer answer : answers) {
            ModelWindow model = models.computeIfAbsent(answer.ref(), ref -> new ModelWindow(answer.role()));
            model.role = answer.role();
            model.requests++;
            if (answer.error() != null) {
                model.errors++;
            }
            if (answer.score() != null) {
                model.scores.add(answer.score());
            }
            if (answer.label() != null) {
                model.labels.merge(answer.label(), 1L, Long::sum);
            }
            if (answer.latencyMs() != null) {
                model.latencies.add(answer.latencyMs());
            }
            if (request.decided()) {
                model.decided++;
                if (answer.ref().equals(request.served())) {
                    model.served++;
                }
                if (request.late().contains(answer.ref())) {
                    model.late++;
                }
            }
            Boolean withServed = servedAnswer.map(served -> agree(answer, served, scoreTolerance)).orElse(null);
            if (withServed != null) {
                model.comparedServed++;
                model.agreedServed += withServed ? 1 : 0;
            }
            Boolean withCanary = canaryAnswer.filter(canaryOne -> canaryOne != answer).map(c -> agree(answer, c, scoreTolerance)).orElse(null);
            if (withCanary != null) {
                model.comparedCanary++;
                model.agreedCanary += withCanary ? 1 : 0;
            }
            if (answer.role() == ModelRole.LIVE) {
                for (RequestSummary.Answer other : answers) {
                    Boolean same = other != answer && other.role() == ModelRole.LIVE ? agree(answer, other, scoreTolerance) : null;
                    if (same != null) {
                        long[] counts = model.live.computeIfAbsent(other.ref(), ref -> new long[2]);
                        counts[0]++;
                        counts[1] += same ? 1 : 0;
                    }
                }
            }
        }
        // A model the decision waited for in vain, whose answer never came within the settle time, was late all the same.
        if (request.decided()) {
            for (String ref : request.late()) {
                ModelWindow model = models.get(ref);
                if (model != null && answers.stream().noneMatch(a -> a.ref().equals(ref))) {
                    model.decided++;
                    model.late++;
                }
            }
        }
    }

    /**
     * Every model's figures as of {@code nowMs}; {@code previous} is the same app's window of this size
     * just before this one, when the service still holds it (null otherwise).
     */
    List<ModelAnalytics> figures(long nowMs, boolean closed, WindowFigures previous) {
        ModelWindow canaryWindow = canary == null ? null : models.get(canary);
        List<ModelAnalytics> figures = new ArrayList<>();
        models.forEach((ref, m) -> {
            boolean isCanary = ref.equals(canary);
            Map<String, Double> live = new TreeMap<>();
            m.live.forEach((other, counts) -> live.put(other, ModelWindow.ratio(counts[1], counts[0])));
            int at = ref.indexOf('@');
            figures.add(new ModelAnalytics(app, ref.substring(0, at), ref.substring(at + 1), m.role, sizeMs, startMs, m.requests, m.decided,
                    ModelWindow.share(m.served, m.decided), ModelWindow.share(m.late, m.decided), ModelWindow.share(m.errors, m.requests),
                    ModelWindow.ratio(m.agreedServed, m.comparedServed), isCanary ? null : ModelWindow.ratio(m.agreedCanary, m.comparedCanary),
                    live, canary, isCanary ? null : drift(canaryWindow, m), drift(previous == null ? null : previous.models.get(ref), m),
                    Digests.quantiles(m.scores), Digests.quantiles(m.latencies),
                    closed, nowMs));
        });
        return figures;
    }

    /** Alerts newly crossed in this window (each model, kind and window alerts once), given the app's thresholds. */
    List<AnalyticsAlert> alerts(AnalyticsSettings settings, long nowMs) {
        List<AnalyticsAlert> alerts = new ArrayList<>();
        ModelWindow canaryWindow = canary == null ? null : models.get(canary);
        if (canaryWindow == null) {
            return alerts;
        }
        double driftThreshold = settings.driftThreshold(app);
        double disagreementThreshold = settings.disagreementThreshold(app);
        models.forEach((ref, m) -> {
            if (ref.equals(canary) || m.requests < settings.minSamples() || canaryWindow.requests < settings.minSamples()) {
                return;
            }
            int at = ref.indexOf('@');
            Double drift = drift(canaryWindow, m);
            if (!m.driftAlerted && drift != null && drift > driftThreshold) {
                m.driftAlerted = true;
                alerts.add(new AnalyticsAlert(app, ref.substring(0, at), ref.substring(at + 1), AnalyticsAlert.Kind.DRIFT, drift, driftThreshold,
                        canary, sizeMs, startMs, m.requests, nowMs));
            }
            Double agreement = ModelWindow.ratio(m.agreedCanary, m.comparedCanary);
            if (!m.disagreementAlerted && agreement != null && m.comparedCanary >= settings.minSamples() && 1 - agreement > disagreementThreshold) {
                m.disagreementAlerted = true;
                alerts.add(new AnalyticsAlert(app, ref.substring(0, at), ref.substring(at + 1), AnalyticsAlert.Kind.DISAGREEMENT, 1 - agreement,
                        disagreementThreshold, canary, sizeMs, startMs, m.requests, nowMs));
            }
        });
        return alerts;
    }

    /**
     * The drift of {@code model} against {@code expected}: the larger of the PSI of its scores and the
     * PSI of its predicted labels (either left out when a side has none); null without an expected
     * distribution or when neither can be computed. The score alone is blind to a model that labels
     * the same numbers differently (a label-swapped manifest has the canary's very score distribution).
     */
    static Double drift(ModelWindow expected, ModelWindow model) {
        if (expected == null) {
            return null;
        }
        double scores = Digests.psi(expected.scores, model.scores);
        double labels = Digests.psi(expected.labels, model.labels);
        double psi = Double.isNaN(scores) ? labels : Double.isNaN(labels) ? scores : Math.max(scores, labels);
        return Double.isNaN(psi) ? null : psi;
    }

    /** The window {@code [startMs, startMs + sizeMs)} made of {@code panes} (in time order): their counts and distributions added up. */
    static WindowFigures merge(String app, long sizeMs, long startMs, Iterable<WindowFigures> panes) {
        WindowFigures window = new WindowFigures(app, sizeMs, startMs);
        for (WindowFigures pane : panes) {
            if (pane.canary != null) {
                window.canary = pane.canary;
            }
            pane.models.forEach((ref, m) -> window.models.computeIfAbsent(ref, r -> new ModelWindow(m.role)).merge(m));
        }
        return window;
    }

    /** The store's form of this window. */
    State state() {
        Map<String, ModelWindow.State> states = new TreeMap<>();
        models.forEach((ref, m) -> states.put(ref, m.state()));
        return new State(app, sizeMs, startMs, canary, states);
    }

    static WindowFigures of(State state) {
        WindowFigures window = new WindowFigures(state.app(), state.sizeMs(), state.startMs());
        window.canary = state.canary();
        if (state.models() != null) {
            state.models().forEach((ref, m) -> window.models.put(ref, ModelWindow.of(m)));
        }
        return window;
    }

    /** A window as the state store keeps it. */
    record State(String app, long sizeMs, long startMs, String canary, Map<String, ModelWindow.State> models) {
    }
}
