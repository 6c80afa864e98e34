package dev.rendezvous.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * An application's policy document on {@code rdv.policies}, keyed by app. The policy's version is
 * not written by anyone: it is the record's offset in the topic plus one, so versions are unique
 * and increasing without coordination between writers.
 *
 * @param policy      the policy document (see docs/rendezvous.md), as JSON
 * @param updatedBy   who stored it (e.g. {@code admin-api}, {@code config}); for the audit trail
 * @param updatedAtMs when, epoch milliseconds
 */
public record PolicyRecord(String app, JsonNode policy, String updatedBy, long updatedAtMs) {
    public PolicyRecord {
        if (!TopicNames.isLegalApp(app)) {
            throw new IllegalArgumentException("app '" + app + "' is not a legal application name");
        }
        Objects.requireNonNull(policy, "policy");
    }
}
