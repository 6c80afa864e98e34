package dev.rendezvous.archiver.snapshot;

import java.util.Locale;

/** The data file an export writes: exact request bytes one per line, or a typed Parquet table. */
public enum ExportFormat {
    NDJSON("inputs.ndjson"),
    PARQUET("inputs.parquet");

    private final String fileName;

    ExportFormat(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }

    /** As written in {@code export.json} and on the command line. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code ndjson} or {@code parquet}; anything else is refused, naming the choices. */
    public static ExportFormat parse(String text) {
        for (ExportFormat format : values()) {
            if (format.wireName().equals(text)) {
                return format;
            }
        }
        throw new IllegalArgumentException("export format '" + text + "' is not supported; expected ndjson or parquet");
    }
}
