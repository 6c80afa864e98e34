package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A model that answered before a decision was made, as the decision saw it.
 *
 * @param arrivalMs milliseconds from the request's receipt to the arrival of the answer at the rendezvous
 * @param error     the error code when the model reported an error, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Candidate(String model, String version, ModelRole role, long arrivalMs, String error) {
}
