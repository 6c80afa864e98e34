package dev.rendezvous.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;

/**
 * A model's figure crossed its app's threshold in a window, on {@code <app>.alerts} keyed by
 * {@link #key()}: raised at most once per model, kind and window.
 *
 * @param kind      what crossed: the drift against the canary, or the disagreement with it
 * @param value     the figure when it crossed (PSI for drift, 1 - agreement with the canary for disagreement)
 * @param threshold the app's threshold it exceeded
 * @param samples   requests of the window behind the figure
 */
public record AnalyticsAlert(String app, String model, String version, Kind kind, double value, double threshold, String canary,
                             long windowSizeMs, long windowStartMs, long samples, long raisedAtMs) {

    public AnalyticsAlert {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(kind, "kind");
        ModelRef.parse(model + "@" + version);
    }

    /** {@code name@version/kind/windowSizeMs/windowStartMs}. */
    public String key() {
        return model + "@" + version + "/" + kind.wireName() + "/" + windowSizeMs + "/" + windowStartMs;
    }

    /** What an alert is about. */
    public enum Kind {
        DRIFT, DISAGREEMENT;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Kind parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }
}
