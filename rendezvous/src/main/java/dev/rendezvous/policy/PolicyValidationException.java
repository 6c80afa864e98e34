package dev.rendezvous.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy document was rejected; {@link #problems()} lists every problem found, in document order. */
public class PolicyValidationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient List<PolicyProblem> problems;

    public PolicyValidationException(List<PolicyProblem> problems) {
        super("invalid policy: " + problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<PolicyProblem> problems() {
        return problems;
    }
}
