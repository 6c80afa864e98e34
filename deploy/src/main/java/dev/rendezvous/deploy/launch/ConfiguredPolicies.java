package dev.rendezvous.deploy.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.policy.PolicyParser;
import dev.rendezvous.policy.PolicyValidationException;
import dev.rendezvous.deploy.config.ConfigException;
import java.util.List;

/** Reads each application's policy from the configuration, with errors that name the configuration key. */
final class ConfiguredPolicies {
    private ConfiguredPolicies() {
    }

    /** Parses {@code apps[i].policy}; the app name is filled in when the configuration leaves it out. */
    static Policy parse(int index, String app, JsonNode policyNode) {
        ObjectNode policy = ((ObjectNode) policyNode).deepCopy();
        if (!policy.has("app")) {
            policy.put("app", app);
        }
        try {
            return PolicyParser.parse(policy.toString(), 1);
        } catch (PolicyValidationException e) {
            throw new ConfigException(e.problems().stream().map(p -> "apps[" + index + "].policy." + p).toList());
        }
    }
}
