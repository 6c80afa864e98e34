package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What kind of answer a decision served. */
public enum Outcome {
    /** A model's output was served. */
    MODEL,
    /** No acceptable model answered in time; the policy's fallback output was served. */
    FALLBACK,
    /** No acceptable model answered and there is no fallback: an explicit timeout. */
    TIMEOUT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Outcome parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
