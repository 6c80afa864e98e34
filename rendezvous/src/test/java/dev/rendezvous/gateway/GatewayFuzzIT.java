package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sends hundreds of generated malformed requests (seeded, so a failure replays) to both scoring
 * endpoints: each must get a 4xx with a JSON error, the gateway must stay healthy, and nothing may
 * reach Kafka.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class GatewayFuzzIT {
    private static final String APP = "fuzz";
    private static final long SEED = 20_240_8L;
    private static final String V1 = "/v1/score/" + APP;
    private static final String OIP = "/v2/models/" + APP + "/infer";
    private static final String VALID_V1 = "{\"id\": \"ok-1\", \"features\": {\"amount\": 12.5, \"country\": \"FR\"}}";
    private static final String VALID_OIP = "{\"id\": \"ok-2\", \"parameters\": {\"timeout\": 5000}, \"inputs\": [{\"name\": \"x\", "
            + "\"shape\": [2, 2], \"datatype\": \"FP32\", \"data\": [[1.0, 2.0], [3.0, 4.0]]}], \"outputs\": [{\"name\": \"y\"}]}";
    private static final String ID_BREAKERS = " /#?%&\"'<>\\{}|^`~!$()*+,;=";

    /** One generated request and why it is malformed. */
    private record Case(String kind, String path, String contentType, byte[] body, Map<String, String> headers) {
    }

    @Test
    void answersEveryMalformedRequestWithA4xxJsonErrorStaysHealthyAndSendsNothing(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("gateway-fuzz"));
        try (TestGateway gateway = TestGateway.start(kafka, List.of(new AppSettings(APP, 2, 200)), c -> c, TraceLookup.NOT_CONFIGURED)) {
            long before = gateway.requestRecords(APP);
            List<Case> cases = generate(new Random(SEED));
            List<String> wrong = new ArrayList<>();

            for (Case c : cases) {
                HttpResponse<String> response = gateway.post(c.path(), c.contentType(), c.body(), c.headers());
                if (!isJsonClientError(response)) {
                    wrong.add(c.kind() + " " + c.path() + " -> " + response.statusCode() + " " + abbreviate(response.body())
                            + " for " + abbreviate(new String(c.body(), StandardCharsets.UTF_8)) + " " + c.headers());
                }
            }

            assertThat(cases).hasSizeGreaterThanOrEqualTo(500);
            assertThat(wrong).as("requests not answered with a 4xx JSON error").isEmpty();
            assertThat(gateway.get("/health/live").statusCode()).isEqualTo(200);
            assertThat(gateway.get("/health/ready").statusCode()).isEqualTo(200);
            assertThat(gateway.requestRecords(APP)).as("records on the requests topic").isEqualTo(before);
        }
    }

    private static boolean isJsonClientError(HttpResponse<String> response) {
        if (response.statusCode() < 400 || response.statusCode() > 499) {
            return false;
        }
        try {
            JsonNode body = JsonCodec.mapper().readTree(response.body());
            return body.path("error").isTextual() && !body.path("error").asText().isBlank();
        } catch (Exception e) {
            return false;
        }
    }

    private static List<Case> generate(Random random) throws Exception {
        List<Case> cases = new ArrayList<>();
        for (String path : List.of(V1, OIP)) {
            String valid = path.equals(V1) ? VALID_V1 : VALID_OIP;
            for (int i = 0; i < 40; i++) {
                cases.add(json("random bytes", path, randomBytes(random, 1 + random.nextInt(300))));
            }
            for (int i = 0; i < 40; i++) {
                cases.add(json("truncated JSON", path, valid.substring(0, 1 + random.nextInt(valid.length() - 2)).getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 15; i++) {
                int depth = 33 + random.nextInt(200);
                String key = path.equals(V1) ? "features" : "inputs";
                cases.add(json("deep nesting", path, ("{\"" + key + "\": " + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 3; i++) {
                cases.add(json("huge array", path, ("{\"x\": [" + "1,".repeat(100_000 + random.nextInt(1000)) + "1]}").getBytes(StandardCharsets.UTF_8)));
            }
            cases.add(json("body over the size limit", path, ("{\"x\": \"" + "a".repeat(1 << 20) + "\"}").getBytes(StandardCharsets.UTF_8)));
            for (int i = 0; i < 40; i++) {
                cases.add(json("wrong types", path, wrongTypes(random, path, valid).getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 25; i++) {
                cases.add(withHeader("bad id header", path, valid.replace("\"ok-", "\"no-id-"), Map.of("X-Request-Id", badId(random))));
                ObjectNode body = (ObjectNode) JsonCodec.mapper().readTree(valid);
                body.put("id", badId(random));
                cases.add(json("bad id in body", path, JsonCodec.encode(body)));
            }
            for (int i = 0; i < 20; i++) {
                cases.add(withHeader("bad deadline", path, valid, Map.of("X-Deadline-Ms", badDeadline(random))));
            }
            for (int i = 0; i < 10; i++) {
                String type = List.of("text/plain", "application/xml", "multipart/form-data", "application/x-www-form-urlencoded", "text/json")
                        .get(random.nextInt(5));
                cases.add(new Case("wrong content type", path, type, valid.getBytes(StandardCharsets.UTF_8), Map.of()));
            }
            for (int i = 0; i < 10; i++) {
                cases.add(new Case("malformed body with junk traceparent", path, "application/json",
                        valid.substring(0, valid.length() - 1).getBytes(StandardCharsets.UTF_8),
                        Map.of("traceparent", new String(randomPrintable(random, 60)))));
            }
        }
        for (int i = 0; i < 60; i++) {
            cases.add(json("bad OIP tensor", OIP, badTensor(random).getBytes(StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < 5; i++) {
            cases.add(json("unknown app", "/v1/score/nosuch" + i, VALID_V1.getBytes(StandardCharsets.UTF_8)));
            cases.add(json("unknown model", "/v2/models/nosuch" + i + "/infer", VALID_OIP.getBytes(StandardCharsets.UTF_8)));
        }
        return cases;
    }

    private static Case json(String kind, String path, byte[] body) {
        return new Case(kind, path, "application/json", body, Map.of());
    }

    private static Case withHeader(String kind, String path, String body, Map<String, String> headers) {
        return new Case(kind, path, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        if (bytes[0] == '{') {
            bytes[0] = 0; // a random body must not start like an object and parse by luck
        }
        return bytes;
    }

    private static char[] randomPrintable(Random random, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) (0x21 + random.nextInt(0x7e - 0x21));
        }
        return chars;
    }

    private static String badId(Random random) {
        if (random.nextInt(4) == 0) {
            return "a".repeat(129 + random.nextInt(200));
        }
        StringBuilder id = new StringBuilder(new String(randomPrintable(random, 1 + random.nextInt(20))));
        id.insert(random.nextInt(id.length() + 1), ID_BREAKERS.charAt(random.nextInt(ID_BREAKERS.length())));
        return id.toString().trim().isEmpty() ? "a b" : id.toString().replace(' ', '#');
    }

    private static String badDeadline(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "-" + (1 + random.nextInt(1000));
            case 1 -> "0";
            case 2 -> "9".repeat(20 + random.nextInt(10));
            case 3 -> (1 + random.nextInt(100)) + "ms";
            default -> new String(randomPrintable(random, 1 + random.nextInt(10))).replaceAll("[0-9]", "x");
        };
    }

    private static JsonNode randomNonMatching(Random random, boolean objectAllowed) {
        return switch (random.nextInt(objectAllowed ? 5 : 4)) {
            case 0 -> JsonCodec.mapper().getNodeFactory().numberNode(random.nextInt());
            case 1 -> JsonCodec.mapper().getNodeFactory().textNode("s" + random.nextInt());
            case 2 -> JsonCodec.mapper().getNodeFactory().booleanNode(random.nextBoolean());
            case 3 -> JsonCodec.mapper().createArrayNode().add(random.nextInt());
            default -> JsonCodec.mapper().createObjectNode().put("k", random.nextInt());
        };
    }

    private static String wrongTypes(Random random, String path, String valid) throws Exception {
        ObjectNode body = (ObjectNode) JsonCodec.mapper().readTree(valid);
        if (path.equals(V1)) {
            if (random.nextBoolean()) {
                body.set("features", randomNonMatching(random, false));
            } else {
                body.set("id", random.nextBoolean() ? JsonCodec.mapper().getNodeFactory().numberNode(random.nextInt())
                        : JsonCodec.mapper().createArrayNode());
            }
            return body.toString();
        }
        switch (random.nextInt(4)) {
            case 0 -> body.set("inputs", randomNonMatching(random, true));
            case 1 -> body.set("parameters", random.nextBoolean() ? JsonCodec.mapper().createArrayNode()
                    : JsonCodec.mapper().createObjectNode().put("timeout", "t" + random.nextInt()));
            case 2 -> body.set("outputs", randomNonMatching(random, true));
            default -> body.set("id", JsonCodec.mapper().getNodeFactory().numberNode(random.nextInt()));
        }
        return body.toString();
    }

    private static String badTensor(Random random) throws Exception {
        ObjectNode body = (ObjectNode) JsonCodec.mapper().readTree(VALID_OIP);
        ObjectNode tensor = (ObjectNode) body.path("inputs").get(0);
        switch (random.nextInt(8)) {
            case 0 -> tensor.put("datatype", new String(randomPrintable(random, 1 + random.nextInt(8))).toLowerCase());
            case 1 -> tensor.putArray("shape").add(-1 - random.nextInt(10)).add(2);
            case 2 -> tensor.putArray("shape").add(2).add(3 + random.nextInt(5));
            case 3 -> ((ArrayNode) tensor.path("data").get(1)).add(5.0);
            case 4 -> ((ArrayNode) tensor.path("data").get(0)).set(0, JsonCodec.mapper().getNodeFactory().textNode("x"));
            case 5 -> {
                tensor.put("datatype", List.of("UINT8", "INT8", "BOOL", "BYTES").get(random.nextInt(4)));
                ((ArrayNode) tensor.path("data").get(0)).set(0, JsonCodec.mapper().getNodeFactory().numberNode(1000.5));
            }
            case 6 -> tensor.remove(List.of("name", "shape", "datatype", "data").get(random.nextInt(4)));
            default -> tensor.putArray("data").add(1.0).add(JsonCodec.mapper().createArrayNode().add(2.0)).add(3.0).add(4.0);
        }
        return body.toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
