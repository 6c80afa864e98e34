package dev.rendezvous.policy;

import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import java.util.Objects;

/**
 * One entry of a policy's {@code accept} or {@code prefer} list: which model versions it names.
 *
 * <p>Only {@link Exact} and {@link WithRole} can name a shadow, canary or retired version; the
 * wildcards match live versions only, so that deploying a new version in shadow never changes what
 * is served.
 */
public sealed interface Selector {
    String SYNTAX = "expected name@version, name@*, any-live or role:<live|shadow|canary|retired>";

    /** Whether this selector names the model version {@code ref} while it plays {@code role}. */
    boolean accepts(ModelRef ref, ModelRole role);

    /** The selector as written in a policy. */
    String text();

    /** Parses a selector; the exception's message says what is wrong and what was expected. */
    static Selector parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a selector is empty; " + SYNTAX);
        }
        String trimmed = text.trim();
        if (trimmed.equals("any-live")) {
            return new AnyLive();
        }
        if (trimmed.startsWith("role:")) {
            return new WithRole(ModelRole.parse(trimmed.substring("role:".length())));
        }
        if (trimmed.endsWith("@*")) {
            return new AnyVersionOf(trimmed.substring(0, trimmed.length() - 2));
        }
        if (!trimmed.contains("@")) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a selector; " + SYNTAX);
        }
        return new Exact(ModelRef.parse(trimmed));
    }

    /** {@code name@version}: exactly that version, whatever its role. */
    record Exact(ModelRef ref) implements Selector {
        public Exact {
            Objects.requireNonNull(ref, "ref");
        }

        @Override
        public boolean accepts(ModelRef candidate, ModelRole role) {
            return ref.equals(candidate);
        }

        @Override
        public String text() {
            return ref.toString();
        }
    }

    /** {@code name@*}: any live version of the named model. */
    record AnyVersionOf(String name) implements Selector {
        public AnyVersionOf {
            // Reuse ModelRef's rule for names, so that a selector accepts exactly the names a model may have.
            new ModelRef(name, "0");
        }

        @Override
        public boolean accepts(ModelRef candidate, ModelRole role) {
            return role == ModelRole.LIVE && candidate.name().equals(name);
        }

        @Override
        public String text() {
            return name + "@*";
        }
    }

    /** {@code any-live}: every version whose role is {@code live}. */
    record AnyLive() implements Selector {
        @Override
        public boolean accepts(ModelRef candidate, ModelRole role) {
            return role == ModelRole.LIVE;
        }

        @Override
        public String text() {
            return "any-live";
        }
    }

    /** {@code role:<role>}: every version playing that role, e.g. {@code role:canary}. */
    record WithRole(ModelRole role) implements Selector {
        public WithRole {
            Objects.requireNonNull(role, "role");
        }

        @Override
        public boolean accepts(ModelRef candidate, ModelRole candidateRole) {
            return role == candidateRole;
        }

        @Override
        public String text() {
            return "role:" + role.wireName();
        }
    }
}
