package dev.rendezvous.model.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** A tensor element type, named as in the Open Inference Protocol, with the Java array that holds its values. */
public enum DataType {
    FP32(float.class),
    FP64(double.class),
    INT32(int.class),
    INT64(long.class),
    BOOL(boolean.class),
    STRING(String.class);

    private final Class<?> elementClass;

    DataType(Class<?> elementClass) {
        this.elementClass = elementClass;
    }

    /** The Java type of one element: {@code float} for FP32, {@code String} for STRING, and so on. */
    public Class<?> elementClass() {
        return elementClass;
    }

    /** The name in OIP requests and responses, e.g. {@code FP32}. */
    public String oipName() {
        return name();
    }

    /** The type with this OIP name (case-insensitive), if it is one of the supported ones. */
    public static Optional<DataType> fromOipName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The supported names, for error messages. */
    public static String supportedNames() {
        return Arrays.stream(values()).map(DataType::oipName).collect(Collectors.joining(", "));
    }
}
