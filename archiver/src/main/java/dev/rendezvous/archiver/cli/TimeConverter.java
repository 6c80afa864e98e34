package dev.rendezvous.archiver.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a point in time as {@code now}, epoch milliseconds or an ISO-8601 instant ({@code 2025-01-31T12:00:00Z}). */
final class TimeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        if (value.equals("now")) {
            return System.currentTimeMillis();
        }
        if (value.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(value);
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a time; expected now, epoch milliseconds or an ISO-8601 instant like 2025-01-31T12:00:00Z");
        }
    }
}
