package dev.rendezvous.model.api.manifest;

/** Shared checks for manifest fields; each failure names the field, the value and what was expected. */
final class ManifestFields {
    private ManifestFields() {
    }

    static void requireText(String field, String value, String expected) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing; expected " + expected);
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " is blank; expected " + expected);
        }
    }

    static void requireAbsent(String field, Object value, ModelRuntime runtime) {
        if (value != null) {
            throw new IllegalArgumentException(field + " is set, but runtime " + runtime.wireName() + " does not use it; expected "
                    + field + " only with runtime " + ModelRuntime.usersOf(field));
        }
    }
}
