package dev.rendezvous.policy;

/**
 * Why a decision served what it served; {@link #wireName()} is the {@code reason} recorded in
 * decisions and HTTP answers.
 */
public sealed interface DecisionReason {
    DecisionReason PREFERRED = new Preferred();
    DecisionReason DEADLINE_BEST = new DeadlineBest();
    DecisionReason FALLBACK = new Fallback();
    DecisionReason TIMEOUT = new Timeout();
    DecisionReason NO_POLICY = new NoPolicy();

    /**
     * The reason as written in decision records: {@code preferred}, {@code stage-N}, {@code deadline-best},
     * {@code fallback}, {@code timeout} or {@code no-policy}.
     */
    String wireName();

    /** Parses a {@link #wireName()}, e.g. when reading decision records back. */
    static DecisionReason parse(String text) {
        switch (text) {
            case "preferred":
                return PREFERRED;
            case "deadline-best":
                return DEADLINE_BEST;
            case "fallback":
                return FALLBACK;
            case "timeout":
                return TIMEOUT;
            case "no-policy":
                return NO_POLICY;
            default:
                if (text.matches("stage-[1-9][0-9]{0,8}")) {
                    return new Staged(Integer.parseInt(text.substring("stage-".length())));
                }
                throw new IllegalArgumentException("decision reason '" + text
                        + "' is unknown; expected preferred, stage-N, deadline-best, fallback, timeout or no-policy");
        }
    }

    /** The policy's first choice answered: rank one of the first stage's list, split preference included. */
    record Preferred() implements DecisionReason {
        @Override
        public String wireName() {
            return "preferred";
        }
    }

    /** A lesser choice acceptable in stage {@code stage} (1-based), served once nothing better could still answer in it. */
    record Staged(int stage) implements DecisionReason {
        public Staged {
            if (stage < 1) {
                throw new IllegalArgumentException("stages are numbered from 1, was " + stage);
            }
        }

        @Override
        public String wireName() {
            return "stage-" + stage;
        }
    }

    /** Chosen by the deadline rule: the best answer any stage accepts, at the deadline or once nothing better could arrive. */
    record DeadlineBest() implements DecisionReason {
        @Override
        public String wireName() {
            return "deadline-best";
        }
    }

    /** No acceptable model answered; the policy's fallback was served. */
    record Fallback() implements DecisionReason {
        @Override
        public String wireName() {
            return "fallback";
        }
    }

    /** No acceptable model answered and the policy has no fallback. */
    record Timeout() implements DecisionReason {
        @Override
        public String wireName() {
            return "timeout";
        }
    }

    /** The app has no policy (yet): every request is answered with a timeout at once, the only honest answer. */
    record NoPolicy() implements DecisionReason {
        @Override
        public String wireName() {
            return "no-policy";
        }
    }
}
