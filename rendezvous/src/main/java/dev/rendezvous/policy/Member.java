package dev.rendezvous.policy;

import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import java.util.Objects;

/** A model version expected to answer a request (registered and alive), with the role it plays now. */
public record Member(ModelRef ref, ModelRole role) {
    public Member {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(role, "role");
    }
}
