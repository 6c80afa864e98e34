package dev.rendezvous.policy;

import dev.rendezvous.protocol.ModelRef;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A policy laid out for one request: its split preference put ahead of each stage's list, the
 * stages cut at the request's effective deadline, and the union of every list for the deadline rule.
 */
final class StagePlan {
    /** A stage as this request sees it: serves from just after the previous end up to and including {@code endMs}. */
    record Window(int number, long endMs, Preference preference) {
    }

    private final List<Window> windows = new ArrayList<>();
    private final Preference firstChoice;
    private final Preference everyStage;
    private final long deadlineMs;

    StagePlan(Policy policy, Integer variant, long deadlineMs, ModelRef pinned) {
        this.deadlineMs = deadlineMs;
        List<Selector> prefer = variant == null ? List.of() : policy.split().get(variant).prefer();
        List<Selector> union = new ArrayList<>(prefer);
        long start = 0;
        for (int i = 0; i < policy.stages().size(); i++) {
            Stage stage = policy.stages().get(i);
            union.addAll(stage.accept());
            // A caller's shorter deadline cuts the stages: the ones starting at or after it never run.
            if (start < deadlineMs) {
                long end = Math.min(stage.untilMs(), deadlineMs);
                windows.add(new Window(i + 1, end, new Preference(concat(prefer, stage.accept()), pinned)));
                start = end;
            }
        }
        this.firstChoice = new Preference(concat(prefer, policy.stages().get(0).accept()), pinned);
        this.everyStage = new Preference(union, pinned);
    }

    List<Window> windows() {
        return windows;
    }

    long deadlineMs() {
        return deadlineMs;
    }

    /** The deadline rule's list: split preference, then every stage's list in stage order. */
    Preference everyStage() {
        return everyStage;
    }

    /** Whether {@code answer} is the policy's first choice for this request (rank one of stage 1). */
    boolean isFirstChoice(Answer answer) {
        return firstChoice.rank(answer) == 0;
    }

    /**
     * The instants at which the rule can change its mind, up to {@code nowMs} and never past the
     * deadline: receipt, arrivals, stage ends, the deadline, and now.
     */
    List<Long> eventTimes(List<Answer> answers, long nowMs) {
        long horizon = Math.min(nowMs, deadlineMs);
        TreeSet<Long> times = new TreeSet<>();
        if (horizon >= 0) {
            times.add(0L); // receipt: a request nobody acceptable can answer is decided from the start
        }
        for (Answer answer : answers) {
            if (answer.arrivalMs() <= horizon) {
                times.add(answer.arrivalMs());
            }
        }
        for (Window window : windows) {
            if (window.endMs() <= horizon) {
                times.add(window.endMs());
            }
        }
        times.add(horizon);
        return List.copyOf(times);
    }

    private static List<Selector> concat(List<Selector> first, List<Selector> second) {
        List<Selector> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
