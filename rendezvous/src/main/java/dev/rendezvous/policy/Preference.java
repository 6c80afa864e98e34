package dev.rendezvous.policy;

import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * An ordered list of selectors, optionally narrowed to one pinned model: ranks models and picks the
 * best answer. Models matched by the same selector (a wildcard) share a rank; among them the
 * earliest answer wins, then the smaller {@code name@version}, so that ties are deterministic.
 */
final class Preference {
    static final int NOT_ACCEPTED = -1;

    private final List<Selector> selectors;
    private final ModelRef pinned;
    private final Comparator<Answer> betterFirst = Comparator.<Answer>comparingInt(this::rank)
            .thenComparingLong(Answer::arrivalMs)
            .thenComparing(answer -> answer.model().toString());

    Preference(List<Selector> selectors, ModelRef pinned) {
        this.selectors = List.copyOf(selectors);
        this.pinned = pinned;
    }

    /** The 0-based rank of the model's first matching selector, or {@link #NOT_ACCEPTED}. */
    int rank(ModelRef ref, ModelRole role) {
        if (pinned != null && !pinned.equals(ref)) {
            return NOT_ACCEPTED;
        }
        for (int i = 0; i < selectors.size(); i++) {
            if (selectors.get(i).accepts(ref, role)) {
                return i;
            }
        }
        return NOT_ACCEPTED;
    }

    /** The most preferred successful answer this list accepts, or null. */
    Answer best(MailboxView view) {
        Answer best = null;
        for (Answer answer : view.successes()) {
            if (rank(answer) != NOT_ACCEPTED && (best == null || betterFirst.compare(answer, best) < 0)) {
                best = answer;
            }
        }
        return best;
    }

    /**
     * Whether an expected member this list ranks above {@code best} (above nothing, when null) has
     * not answered yet, and so is worth waiting for.
     */
    boolean canStillBeat(Answer best, Collection<Member> expected, MailboxView view) {
        int bar = best == null ? Integer.MAX_VALUE : rank(best);
        for (Member member : expected) {
            int rank = rank(member.ref(), member.role());
            if (rank != NOT_ACCEPTED && rank < bar && !view.hasAnswered(member.ref())) {
                return true;
            }
        }
        return false;
    }

    /** Expected members this list accepts that have not answered, most preferred first. */
    List<ModelRef> unanswered(Collection<Member> expected, MailboxView view) {
        List<Member> waiting = new ArrayList<>();
        for (Member member : expected) {
            if (rank(member.ref(), member.role()) != NOT_ACCEPTED && !view.hasAnswered(member.ref())) {
                waiting.add(member);
            }
        }
        waiting.sort(Comparator.<Member>comparingInt(m -> rank(m.ref(), m.role())).thenComparing(m -> m.ref().toString()));
        return waiting.stream().map(Member::ref).distinct().toList();
    }

    int rank(Answer answer) {
        return rank(answer.model(), answer.role());
    }
}
