package dev.rendezvous.policy;

import java.util.ArrayList;
import java.util.List;

/** The problems found so far while reading one policy document. */
final class ProblemList {
    private final List<PolicyProblem> problems = new ArrayList<>();

    /** Records a problem; returns null so that a reader can report and give up on a value in one statement. */
    <T> T add(String path, String message) {
        problems.add(new PolicyProblem(path, message));
        return null;
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new PolicyValidationException(problems);
        }
    }
}
