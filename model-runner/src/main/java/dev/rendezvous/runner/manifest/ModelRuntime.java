package dev.rendezvous.runner.manifest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a model's artifact is executed. A closed set: the runner has an exhaustive switch over it, so
 * adding {@code java} or {@code remote-oip} here makes the compiler point at every place to extend.
 */
public enum ModelRuntime {
    /** An ONNX graph run in-process by ONNX Runtime. */
    ONNX;

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

    private static String expected() {
        return Arrays.stream(values()).map(ModelRuntime::wireName).collect(Collectors.joining(", "));
    }
}
