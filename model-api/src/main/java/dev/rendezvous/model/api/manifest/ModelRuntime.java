package dev.rendezvous.model.api.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a model is executed. A closed set: the runner has an exhaustive switch over it, so adding a
 * runtime here makes the compiler point at every place to extend.
 */
public enum ModelRuntime {
    /** An ONNX graph ({@code artifact}) run in-process by ONNX Runtime. */
    ONNX,
    /** A {@link dev.rendezvous.model.api.Model} from a plug-in jar ({@code artifact}), found with ServiceLoader. */
    JAVA,
    /** A model on another server speaking the Open Inference Protocol v2 REST ({@code url}, {@code model}). */
    REMOTE_OIP;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static ModelRuntime parse(String text) {
        for (ModelRuntime runtime : values()) {
            if (runtime.wireName().equals(text)) {
                return runtime;
            }
        }
        throw new IllegalArgumentException("runtime '" + text + "' is not supported; expected one of " + expected());
    }

    /** Whether the runtime loads a local file named by {@code artifact} and checked against {@code sha256}. */
    public boolean usesArtifact() {
        return this != REMOTE_OIP;
    }

    String artifactKind() {
        return this == JAVA ? "plug-in jar" : "model file";
    }

    static String expected() {
        return Arrays.stream(values()).map(ModelRuntime::wireName).collect(Collectors.joining(", "));
    }

    /** Which runtimes use a runtime-specific manifest field, for error messages. */
    static String usersOf(String field) {
        return switch (field) {
            case "artifact", "sha256" -> "onnx or java";
            case "className" -> "java";
            default -> "remote-oip";
        };
    }
}
