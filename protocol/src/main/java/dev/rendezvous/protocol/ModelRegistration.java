package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A model version's entry in the registry topic {@code rdv.models}, keyed by {@link #key()}: its
 * role, what it is, and where it came from. The role here is the truth: promotion and retirement
 * are new registrations, not restarts.
 *
 * @param runtime        e.g. {@code onnx}
 * @param artifactSha256 SHA-256 of the model artifact the runner verified
 * @param signature      inputs and outputs (names, types, shapes) as the runtime reports them; may be null
 * @param lineage        training data, code refs, seed, parameters, metrics; may be null
 * @param updatedAtMs    when this registration was written, epoch milliseconds
 * @param changedBy      who wrote it, for the audit trail: {@code runner <instance>} for a runner's own
 *                       registration, {@code cli <user>@<host>} for a role change; null in records
 *                       written before the field existed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelRegistration(
        String app,
        String name,
        String version,
        ModelRole role,
        String runtime,
        String artifactSha256,
        JsonNode signature,
        JsonNode lineage,
        long updatedAtMs,
        String changedBy) {

    public ModelRegistration {
        if (!TopicNames.isLegalApp(app)) {
            throw new IllegalArgumentException("app '" + app + "' is not a legal application name");
        }
        ModelRef.parse(name + "@" + version);
        Objects.requireNonNull(role, "role");
    }

    /** A registration without a known author. */
    public ModelRegistration(String app, String name, String version, ModelRole role, String runtime, String artifactSha256,
                             JsonNode signature, JsonNode lineage, long updatedAtMs) {
        this(app, name, version, role, runtime, artifactSha256, signature, lineage, updatedAtMs, null);
    }

    public ModelRef ref() {
        return new ModelRef(name, version);
    }

    /** The registry key: {@code app/name/version}. */
    public String key() {
        return key(app, ref());
    }

    public static String key(String app, ModelRef ref) {
        return app + "/" + ref.name() + "/" + ref.version();
    }

    /** The same model with another role, written by {@code by} at {@code nowMs}. */
    public ModelRegistration withRole(ModelRole newRole, String by, long nowMs) {
        return new ModelRegistration(app, name, version, newRole, runtime, artifactSha256, signature, lineage, nowMs, by);
    }
}
