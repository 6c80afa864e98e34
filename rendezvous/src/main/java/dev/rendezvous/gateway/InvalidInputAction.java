package dev.rendezvous.gateway;

import java.util.Locale;

/**
 * What the gateway does with a scoring request whose features or tensors do not fit the input
 * signature its app's models declare ({@code apps[].onInvalidInput}): refuse it with a 400 naming
 * the feature ({@code reject}, the default), or pass it on so that the app's policy answers it — in
 * practice with its fallback, since the models refuse it ({@code fallback}).
 */
public enum InvalidInputAction {
    REJECT, FALLBACK;

    /** Reads {@code reject} or {@code fallback} (any case); anything else names the key and the choices. */
    public static InvalidInputAction parse(String key, String text) {
        for (InvalidInputAction action : values()) {
            if (action.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return action;
            }
        }
        throw new IllegalArgumentException(key + ": '" + text + "'; expected reject or fallback");
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
