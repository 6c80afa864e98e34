package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A model version written as {@code name@version}, the way policies and decisions name models. */
public record ModelRef(String name, String version) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public ModelRef {
        requirePart("name", name);
        requirePart("version", version);
    }

    /** Parses {@code name@version}; the message of the exception says which part is wrong. */
    @JsonCreator
    public static ModelRef parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("model reference is missing; expected name@version");
        }
        int at = text.indexOf('@');
        if (at <= 0 || at != text.lastIndexOf('@') || at == text.length() - 1) {
            throw new IllegalArgumentException("model reference '" + text + "' is not of the form name@version");
        }
        return new ModelRef(text.substring(0, at), text.substring(at + 1));
    }

    @JsonValue
    @Override
    public String toString() {
        return name + "@" + version;
    }

    private static void requirePart(String what, String value) {
        if (value == null || !PART.matcher(value).matches()) {
            throw new IllegalArgumentException("model " + what + " '" + value
                    + "' must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }
}
