package dev.rendezvous.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.ModelRegistration;
import dev.rendezvous.protocol.Tensor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a request's inputs against the input signatures its app's models declare in their
 * registrations, before anything is sent: named {@code features} against a signature's
 * {@code features} (name and datatype, published by runners whose manifest maps features), OIP
 * tensors against its {@code inputs} (names, datatype, rank and fixed dimensions). A request the
 * models would refuse gets a 400 naming the feature or tensor and the model — or, for an app
 * configured {@code onInvalidInput: fallback}, goes on to be answered by its policy (counted in
 * {@code rdv.gateway.invalid.input{app, action}} either way).
 *
 * <p>The versions checked are those the request could reach: the pinned one, else the app's versions
 * the policy in force could serve — those alive now, or all of them when none is. A version that
 * declares no signature (or no {@code features}: runners before issue 22) is not checked; extra
 * features are not refused, since runners ignore them.
 */
final class InputSignatures {
    private final AppModels models;
    private final Function<String, InvalidInputAction> actions;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new java.util.concurrent.ConcurrentHashMap<>();

    InputSignatures(AppModels models, Function<String, InvalidInputAction> actions, MeterRegistry registry) {
        this.models = models;
        this.actions = actions;
        this.registry = registry;
    }

    /** @throws ApiError 400 when {@code features} do not fit a declared signature and the app rejects invalid input */
    void checkFeatures(String app, JsonNode features) {
        check(app, null, "features", (version, declared) -> featureProblem(version, declared, features));
    }

    /** @param pinned the version the path names, or null; @throws ApiError 400 as {@link #checkFeatures} */
    void checkTensors(String app, ModelRegistration pinned, List<Tensor> inputs) {
        check(app, pinned, "inputs", (version, declared) -> tensorProblem(version, declared, inputs));
    }

    /**
     * Checks the request against the {@code member} signature of every version it could reach. Every
     * request passes here, so the usual case — no version declares one — costs one scan and nothing else.
     */
    private void check(String app, ModelRegistration pinned, String member,
                       java.util.function.BiFunction<ModelRegistration, JsonNode, Optional<ApiError>> problem) {
        List<ModelRegistration> versions = pinned != null ? List.of(pinned) : models.versions(app);
        if (versions.stream().noneMatch(version -> AppModels.signature(version, member).isPresent())) {
            return;
        }
        for (ModelRegistration version : pinned != null ? versions : reachable(versions)) {
            AppModels.signature(version, member).flatMap(declared -> problem.apply(version, declared)).ifPresent(found -> refuse(app, found));
        }
    }

    private List<ModelRegistration> reachable(List<ModelRegistration> versions) {
        List<ModelRegistration> servable = versions.stream().filter(models::servable).toList();
        List<ModelRegistration> alive = servable.stream().filter(models::alive).toList();
        return alive.isEmpty() ? servable : alive;
    }

    private void refuse(String app, ApiError problem) {
        InvalidInputAction action = actions.apply(app);
        counters.computeIfAbsent(app + "/" + action, key -> Counter.builder("rdv.gateway.invalid.input")
                .description("scoring requests whose inputs did not fit their models' declared signature")
                .tags("app", app, "action", action.wireName()).register(registry)).increment();
        if (action == InvalidInputAction.REJECT) {
            throw problem;
        }
    }

    /** What is wrong with {@code features} for {@code version}, whose signature declares {@code declared} ({@code [{name, datatype}]}). */
    static Optional<ApiError> featureProblem(ModelRegistration version, JsonNode declared, JsonNode features) {
        for (JsonNode feature : declared) {
            String name = feature.path("name").asText();
            String datatype = feature.path("datatype").asText("FP32");
            JsonNode value = features.get(name);
            String where = "body.features." + name;
            if (value == null) {
                List<String> names = new ArrayList<>();
                declared.forEach(each -> names.add(each.path("name").asText()));
                return Optional.of(new ApiError(400, "feature '" + name + "' is missing; model " + version.ref() + " needs " + names, where));
            }
            String expected = expectation(value, datatype);
            if (expected != null) {
                return Optional.of(new ApiError(400, "feature '" + name + "' is " + TensorValidator.describe(value) + "; model " + version.ref()
                        + " takes " + expected, where));
            }
        }
        return Optional.empty();
    }

    /** Null when {@code value} fits a feature of {@code datatype}, else what would. */
    private static String expectation(JsonNode value, String datatype) {
        return switch (datatype) {
            case "INT32" -> value.isIntegralNumber() && value.canConvertToInt() ? null : "a whole number (INT32)";
            case "INT64" -> value.isIntegralNumber() && value.canConvertToLong() ? null : "a whole number (INT64)";
            case "FP32" -> value.isNumber() && Math.abs(value.doubleValue()) <= Float.MAX_VALUE ? null : "a number (FP32)";
            default -> value.isNumber() ? null : "a number (" + datatype + ")";
        };
    }

    /** What is wrong with {@code inputs} for {@code version}, whose signature declares {@code declared} ({@code [{name, datatype, shape}]}). */
    static Optional<ApiError> tensorProblem(ModelRegistration version, JsonNode declared, List<Tensor> inputs) {
        Map<String, JsonNode> specs = new HashMap<>();
        declared.forEach(spec -> specs.put(spec.path("name").asText(), spec));
        for (int i = 0; i < inputs.size(); i++) {
            Tensor tensor = inputs.get(i);
            String where = "body.inputs[" + i + "]";
            JsonNode spec = specs.get(tensor.name());
            if (spec == null) {
                return Optional.of(new ApiError(400, "model " + version.ref() + " has no input '" + tensor.name() + "'; its inputs are "
                        + describe(declared), where + ".name"));
            }
            String datatype = spec.path("datatype").asText();
            if (!datatype.isEmpty() && !datatype.equals(tensor.datatype())) {
                return Optional.of(new ApiError(400, "input '" + tensor.name() + "' is " + tensor.datatype() + "; model " + version.ref()
                        + " takes " + datatype, where + ".datatype"));
            }
            JsonNode shape = spec.path("shape");
            if (shape.isArray() && !fits(shape, tensor.shape())) {
                return Optional.of(new ApiError(400, "input '" + tensor.name() + "' has shape " + tensor.shape() + "; model " + version.ref()
                        + " takes " + shape + " (-1: any size)", where + ".shape"));
            }
        }
        for (JsonNode spec : declared) {
            String name = spec.path("name").asText();
            if (inputs.stream().noneMatch(t -> t.name().equals(name))) {
                return Optional.of(new ApiError(400, "input '" + name + "' is missing; model " + version.ref() + " takes " + describe(declared),
                        "body.inputs"));
            }
        }
        return Optional.empty();
    }

    private static boolean fits(JsonNode declared, List<Long> shape) {
        if (declared.size() != shape.size()) {
            return false;
        }
        for (int d = 0; d < shape.size(); d++) {
            long dim = declared.get(d).asLong(-1);
            if (dim >= 0 && dim != shape.get(d)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonNode declared) {
        List<String> parts = new ArrayList<>();
        declared.forEach(spec -> parts.add(spec.path("name").asText() + " " + spec.path("datatype").asText() + " " + spec.path("shape")));
        return String.join(", ", parts);
    }
}
