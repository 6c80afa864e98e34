package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The part a model version plays for its application; only policies decide who is served. */
public enum ModelRole {
    LIVE, SHADOW, CANARY, RETIRED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ModelRole parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("role is missing; expected one of live, shadow, canary, retired");
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "role '" + text + "' is unknown; expected one of live, shadow, canary, retired", e);
        }
    }
}
