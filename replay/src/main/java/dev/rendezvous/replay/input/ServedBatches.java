package dev.rendezvous.replay.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.RequestIds;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model calls one model version made when it served a snapshot's requests, from the
 * {@code batchId}/{@code batchPosition} of its archived scores ({@code scores} records up to the
 * cuts): which requests shared a call, and in which order. Replay {@code --batching as-served}
 * regroups the inputs by them. Scores of other models, and scores written before the fields existed,
 * are passed over. When a request has several scores of the model (a redelivered request scored
 * twice), the first in partition and offset order counts.
 */
public final class ServedBatches {
    private static final ObjectMapper JSON = JsonCodec.mapper();

    /**
     * Where one request was in a served model call.
     *
     * @param batchSize how many requests shared the call
     */
    public record Place(String batchId, int position, int batchSize) {
    }

    private final Map<String, Place> byOriginKey;

    private ServedBatches(Map<String, Place> byOriginKey) {
        this.byOriginKey = byOriginKey;
    }

    /** Reads, from one unit of scores lines, the places of {@code model}'s scores, by the request's origin key (id and nonce). */
    public static SnapshotScan.UnitProcessor<Map<String, Place>> processor(ModelRef model) {
        return (lines, cut) -> {
            Map<String, Place> places = new java.util.LinkedHashMap<>();
            for (byte[] line : lines) {
                ArchiveLineFields fields = ArchiveLineFields.read(line);
                if (fields.offset() > cut) {
                    continue;
                }
                ScoreBatch score = ScoreBatch.read(fields.value());
                if (score != null && score.model().equals(model.name()) && score.version().equals(model.version())) {
                    places.putIfAbsent(RequestIds.originKey(score.requestId(), score.nonce()),
                            new Place(score.batchId(), score.position(), score.batchSize()));
                }
            }
            return places;
        };
    }

    /** Joins units in input order; a request's first score wins. */
    public static ServedBatches merge(List<Map<String, Place>> units) {
        Map<String, Place> all = new HashMap<>();
        units.forEach(unit -> unit.forEach(all::putIfAbsent));
        return new ServedBatches(all);
    }

    /** None: every request is replayed alone. */
    public static ServedBatches none() {
        return new ServedBatches(Map.of());
    }

    /** Where the request with this origin key was served, if the model's score of it records its call. */
    public Optional<Place> get(String originKey) {
        return Optional.ofNullable(byOriginKey.get(originKey));
    }

    /** Requests whose call is known. */
    public int size() {
        return byOriginKey.size();
    }

    /** The few fields of an archived {@code ModelScore} that place it in a call, read by streaming past the rest. */
    private record ScoreBatch(String requestId, String nonce, String model, String version, String batchId, int position, int batchSize) {
        static ScoreBatch read(byte[] value) {
            if (value == null) {
                return null;
            }
            String requestId = null;
            String nonce = null;
            String model = null;
            String version = null;
            String batchId = null;
            Integer position = null;
            Integer batchSize = null;
            try (JsonParser parser = JSON.createParser(value)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken token = parser.nextToken();
                    switch (name) {
                        case "requestId" -> requestId = parser.getValueAsString();
                        case "nonce" -> nonce = parser.getValueAsString();
                        case "model" -> model = parser.getValueAsString();
                        case "version" -> version = parser.getValueAsString();
                        case "batchId" -> batchId = parser.getValueAsString();
                        case "batchPosition" -> position = token == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : null;
                        case "batchSize" -> batchSize = token == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : null;
                        default -> parser.skipChildren();
                    }
                }
            } catch (IOException e) {
                return null;
            }
            if (requestId == null || model == null || version == null || batchId == null || position == null || batchSize == null
                    || position < 0 || position >= batchSize) {
                return null;
            }
            return new ScoreBatch(requestId, nonce, model, version, batchId, position, batchSize);
        }
    }
}
