package dev.rendezvous.protocol;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON encoding of every record on the wire. Readers ignore unknown fields, so that a newer
 * writer can add a field without breaking older readers.
 */
public final class JsonCodec {
    private static final ObjectMapper MAPPER = newMapper();
    /**
     * Whole records are read strictly: `{...} xyz` is refused. Only here, not on the shared mapper,
     * whose readTree(parser) is used to read one field out of a larger object by streaming.
     */
    private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return MAPPER.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
    };

    private JsonCodec() {
    }

    /** A mapper configured like the codec's, for modules that build JSON trees. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Decodes {@code bytes} as {@code type}; the exception's message names the problem and its JSON path. */
    public static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null) {
            throw new MalformedRecordException("record value is null; expected a JSON " + type.getSimpleName(), null);
        }
        T value;
        try {
            value = READERS.get(type).readValue(bytes);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new MalformedRecordException("invalid " + type.getSimpleName() + ": " + cause.getMessage(), e);
        } catch (JsonMappingException e) {
            throw new MalformedRecordException("invalid " + type.getSimpleName() + " at " + path(e) + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new MalformedRecordException("not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (value == null) {
            // The JSON text `null` maps to a null record, which every reader would trip over later.
            throw new MalformedRecordException("record value is the JSON null; expected a JSON object (" + type.getSimpleName() + ")", null);
        }
        return value;
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder("$");
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static ObjectMapper newMapper() {
        ObjectMapper mapper = JsonMapper.builder()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
                .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, false)
                // Refuse what a lenient reader would silently reinterpret: a key given twice (which
                // one wins depends on the reader), 5 where a name is expected, 1.5 or "123" where an
                // integer is expected.
                .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
                .configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false)
                .configure(StreamReadFeature.STRICT_DUPLICATE_DETECTION, true)
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
        // Bound what a hostile record can make us allocate.
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(1 << 20)
                .build());
        return mapper;
    }
}
