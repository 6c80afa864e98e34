package dev.rendezvous.model.api.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rendezvous.protocol.ModelRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.TreeSet;

/** Reads manifest YAML strictly and verifies the artifact it names. */
final class ManifestLoader {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Jackson reports only the root cause of an enum creator's exception, which for ModelRole.parse
            // is valueOf's "No enum constant ..."; a plain deserializer keeps parse's own message.
            .addModule(new SimpleModule().addDeserializer(ModelRole.class, new StdDeserializer<>(ModelRole.class) {
                @Override
                public ModelRole deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                    return ModelRole.parse(parser.getValueAsString());
                }
            }))
            .build();

    private ManifestLoader() {
    }

    static ModelManifest load(Path file) {
        ModelManifest parsed = parse(file);
        if (parsed.artifact() == null) {
            return parsed;
        }
        Path directory = file.toAbsolutePath().getParent();
        ModelManifest manifest = parsed.withArtifact(directory.resolve(parsed.artifact()).normalize());
        verifyArtifact(file, manifest);
        return manifest;
    }

    private static ModelManifest parse(Path file) {
        try {
            byte[] yaml = Files.readAllBytes(file);
            ModelManifest manifest = new String(yaml, java.nio.charset.StandardCharsets.UTF_8).isBlank()
                    ? null : YAML.readValue(yaml, ModelManifest.class);
            if (manifest == null) {
                throw new ManifestException(file, "the file is empty; expected a YAML mapping with app, name, version, runtime and artifact with sha256 (or url and model)", null);
            }
            return manifest;
        } catch (UnrecognizedPropertyException e) {
            throw new ManifestException(file, "unknown field '" + e.getPropertyName() + "' at " + parentPath(e)
                    + "; expected one of " + new TreeSet<>(e.getKnownPropertyIds().stream().map(Object::toString).toList()), null);
        } catch (ValueInstantiationException e) {
            // Thrown by the records' compact constructors, whose messages already name field, value and expectation.
            throw new ManifestException(file, ownMessage(e), null);
        } catch (InvalidFormatException e) {
            throw new ManifestException(file, path(e) + " is '" + e.getValue() + "'; expected "
                    + expectation(e), null);
        } catch (JsonMappingException e) {
            throw new ManifestException(file, path(e) + ": " + ownMessage(e), null);
        } catch (JsonProcessingException e) {
            throw new ManifestException(file, "not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), null);
        } catch (NoSuchFileException e) {
            throw new ManifestException(file, "the file does not exist", null);
        } catch (IOException e) {
            throw new ManifestException(file, "cannot read it: " + e, e);
        }
    }

    private static void verifyArtifact(Path file, ModelManifest manifest) {
        Path artifact = manifest.artifact();
        if (!Files.isRegularFile(artifact)) {
            throw new ManifestException(file, "artifact " + artifact + " does not exist"
                    + (Files.exists(artifact) ? " as a regular file" : "") + "; expected the model file, relative to the manifest", null);
        }
        String actual;
        try {
            actual = ArtifactHash.sha256(artifact);
        } catch (IOException e) {
            throw new ManifestException(file, "cannot read artifact " + artifact + ": " + e, e);
        }
        if (!actual.equals(manifest.sha256())) {
            throw new ManifestException(file, ArtifactHash.mismatch(artifact, manifest.sha256(), actual), null);
        }
    }

    private static String expectation(InvalidFormatException e) {
        Class<?> type = e.getTargetType();
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        return "a " + (type == null ? "value of another type" : type.getSimpleName());
    }

    /** The first message in the cause chain that is ours (a compact constructor's or a parser's), not Jackson's wrapping. */
    private static String ownMessage(JsonMappingException e) {
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (!(cause instanceof JsonProcessingException) && cause.getMessage() != null) {
                return cause.getMessage();
            }
        }
        return Objects.requireNonNullElse(e.getOriginalMessage(), e.toString());
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "the document" : path.toString();
    }

    private static String parentPath(JsonMappingException e) {
        String full = path(e);
        int dot = full.lastIndexOf('.');
        return dot < 0 ? "the top level" : full.substring(0, dot);
    }
}
