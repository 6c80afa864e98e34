package dev.rendezvous.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One of the JSON Schemas published in {@code docs/schemas}, loaded from the repository as users read it. */
final class PublishedSchema {
    /** Surefire runs with the module directory as working directory, so the docs are one level up. */
    static final Path DIRECTORY = Path.of("..", "docs", "schemas");
    /** The draft every published schema declares and the validator is configured for. */
    static final Draft DRAFT = Draft.DRAFT202012;

    private final String fileName;
    private final JsonObject schema;
    private final Validator validator;

    private PublishedSchema(String fileName, JsonObject schema) {
        this.fileName = fileName;
        this.schema = schema;
        this.validator = Validator.create(JsonSchema.of(schema), new JsonSchemaOptions()
                .setDraft(DRAFT)
                .setBaseUri("https://rendezvous.dev/schemas/")
                .setOutputFormat(OutputFormat.Basic));
    }

    static PublishedSchema load(String fileName) {
        Path file = DIRECTORY.resolve(fileName);
        try {
            return new PublishedSchema(fileName, new JsonObject(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath().normalize()
                    + " (tests expect to run with the protocol module as working directory)", e);
        }
    }

    /** The schema for records of {@code type} on the wire. */
    static PublishedSchema forRecord(Class<?> type) {
        if (type == ScoringRequest.class) {
            return load("scoring-request.schema.json");
        } else if (type == ModelScore.class) {
            return load("model-score.schema.json");
        } else if (type == Decision.class) {
            return load("decision.schema.json");
        } else if (type == ModelAnalytics.class) {
            return load("model-analytics.schema.json");
        } else if (type == AnalyticsAlert.class) {
            return load("analytics-alert.schema.json");
        }
        throw new IllegalArgumentException("no published schema for " + type.getSimpleName());
    }

    /** The draft the file itself declares in {@code $schema}. */
    String declaredDraft() {
        return schema.getString("$schema");
    }

    /** What the validator finds wrong with {@code json}, one line per error; empty when it conforms. */
    List<String> problemsWith(byte[] json) {
        OutputUnit result = validator.validate(new JsonObject(new String(json, StandardCharsets.UTF_8)));
        List<String> problems = new ArrayList<>();
        if (!Boolean.TRUE.equals(result.getValid())) {
            if (result.getErrors() == null || result.getErrors().isEmpty()) {
                problems.add(fileName + ": " + result.getError());
            } else {
                for (OutputUnit error : result.getErrors()) {
                    problems.add(fileName + " " + error.getKeywordLocation() + " at '" + error.getInstanceLocation()
                            + "': " + error.getError());
                }
            }
        }
        return problems;
    }

    /**
     * Fields of {@code json} that the schema does not declare, as JSON pointers. Readers ignore unknown
     * fields, so validation alone would let an undocumented field through.
     */
    List<String> undeclaredFields(byte[] json) {
        List<String> undeclared = new ArrayList<>();
        collectUndeclared(new JsonObject(new String(json, StandardCharsets.UTF_8)), schema, "", undeclared);
        return undeclared;
    }

    private static void collectUndeclared(Object instance, JsonObject schema, String pointer, List<String> into) {
        if (instance instanceof JsonObject object && schema.containsKey("properties")) {
            JsonObject properties = schema.getJsonObject("properties");
            for (String field : object.fieldNames()) {
                if (properties.containsKey(field)) {
                    collectUndeclared(object.getValue(field), properties.getJsonObject(field), pointer + "/" + field, into);
                } else {
                    into.add(pointer + "/" + field);
                }
            }
        } else if (instance instanceof JsonArray array && schema.getValue("items") instanceof JsonObject items) {
            for (int i = 0; i < array.size(); i++) {
                collectUndeclared(array.getValue(i), items, pointer + "/" + i, into);
            }
        }
    }
}
