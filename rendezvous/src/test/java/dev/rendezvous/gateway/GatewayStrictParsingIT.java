package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.JsonCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * What the gateway refuses that it used to take (issue 22), against the real gateway on the embedded
 * broker: bodies with something after the JSON, duplicate keys, infinite numbers, a look-alike
 * content type, a deadline header that is not plain digits, an empty OIP tensor — and requests that
 * are not valid HTTP, sent over a raw socket. Every refusal is a JSON error in the gateway's own
 * words, logged at most once and never at ERROR, and nothing reaches Kafka.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayStrictParsingIT {
    private static final String APP = "strict";
    private static final String V1 = "/v1/score/" + APP;
    private static final String OIP = "/v2/models/" + APP + "/infer";
    private TestGateway gateway;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void start(EmbeddedKafkaBroker broker) throws Exception {
        KafkaSettings kafka = KafkaSettings.local(broker.bootstrapServers(), EmbeddedKafkaExtension.uniquePrefix("gateway-strict"));
        gateway = TestGateway.start(kafka, List.of(new AppSettings(APP, 1, 200)), c -> c, TraceLookup.NOT_CONFIGURED);
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterAll
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        gateway.close();
    }

    static Stream<Arguments> lenientOnce() {
        return Stream.of(
                Arguments.of("trailing garbage", V1, "application/json", "{\"features\":{}} xyz", Map.of(), 400, "body", "more after its JSON object"),
                Arguments.of("trailing NUL", V1, "application/json", "{\"features\":{}}\0", Map.of(), 400, "body", "more after its JSON object"),
                Arguments.of("duplicate key", V1, "application/json", "{\"features\":{\"a\":1,\"a\":2}}", Map.of(), 400, "body.features.a", "appears twice"),
                Arguments.of("infinite number", V1, "application/json", "{\"features\":{\"a\":1e309}}", Map.of(), 400, "body.features.a", "beyond the range"),
                Arguments.of("look-alike content type", V1, "application/jsonx", "{\"features\":{}}", Map.of(), 415, "header Content-Type", "application/json"),
                Arguments.of("quoted deadline", V1, "application/json", "{\"features\":{}}", Map.of("X-Deadline-Ms", "\" 5 \""), 400,
                        "header X-Deadline-Ms", "digits only"),
                Arguments.of("nesting limit", V1, "application/json", "{\"features\":{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}}", Map.of(), 400,
                        "body", "nested too deeply"),
                Arguments.of("OIP trailing garbage", OIP, "application/json", oip("[1,2]", "[1.0,2.0]") + "]", Map.of(), 400, "body", "more after"),
                Arguments.of("OIP empty dimension", OIP, "application/json", oip("[0,5]", "[]"), Map.of(), 400, "body.inputs[0].shape[0]", "holds no elements"),
                Arguments.of("OIP data short of the shape", OIP, "application/json", oip("[2,2]", "[1.0,2.0,3.0]"), Map.of(), 400,
                        "body.inputs[0].data", "holds 4"),
                Arguments.of("OIP duplicate key", OIP, "application/json", "{\"inputs\":[],\"inputs\":[]}", Map.of(), 400, "body.inputs", "appears twice"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lenientOnce")
    void refusesWhatItUsedToTakeWithAJsonErrorSayingWhatAndWhere(String name, String path, String contentType, String body,
                                                                 Map<String, String> headers, int status, String where, String messagePart)
            throws Exception {
        long before = gateway.requestRecords(APP);

        HttpResponse<String> response = gateway.post(path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);

        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode error = JsonCodec.mapper().readTree(response.body());
        assertThat(error.path("where").asText()).isEqualTo(where);
        assertThat(error.path("error").asText()).contains(messagePart).doesNotContain("Source", "REDACTED", "StreamRead", "`");
        assertThat(gateway.requestRecords(APP)).isEqualTo(before);
    }

    static Stream<Arguments> notHttp() {
        String body = "{\"features\":{}}";
        String post = "POST " + V1 + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n";
        return Stream.of(
                Arguments.of("unknown HTTP version", "POST " + V1 + " HTTP/9.9\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body,
                        505, "request line"),
                Arguments.of("headers over 8 KiB", post + "X-Padding: " + "p".repeat(9_000) + "\r\nContent-Length: 2\r\n\r\n{}", 431, "headers"),
                Arguments.of("request line over 4 KiB", "GET /" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414, "request line"),
                Arguments.of("negative Content-Length", post + "Content-Length: -5\r\n\r\n", 400, "header Content-Length"),
                Arguments.of("bad escape in the path", "POST /v1/score/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}", 400, "path"),
                Arguments.of("bad escape in the query", "POST " + V1 + "?explain=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}",
                        400, "query"),
                Arguments.of("truncated escape", "GET /health/live%4 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "path"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notHttp")
    void answersARequestThatIsNotValidHttpWithAJsonErrorLoggedOnceAtInfo(String name, String request, int status, String where)
            throws Exception {
        logs.list.clear();
        long before = gateway.requestRecords(APP);
        RawHttp.Response response;
        try (RawHttp connection = new RawHttp(gateway.server.port(), 10_000)) {
            response = connection.send(request).read();

            assertThat(connection.closedByServer()).as("connection closed after the error").isTrue();
        }

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.headers().get("content-type")).isEqualTo("application/json");
        JsonNode error = response.json();
        assertThat(error.path("status").asInt()).isEqualTo(status);
        assertThat(error.path("where").asText()).isEqualTo(where);
        assertThat(error.path("error").asText()).isNotBlank();
        // Only the HTTP side's loggers: a Kafka client may log on its own at any time.
        List<ILoggingEvent> http = logs.list.stream()
                .filter(e -> e.getLoggerName().startsWith("dev.rendezvous.gateway") || e.getLoggerName().startsWith("io.vertx")).toList();
        assertThat(http).as("log lines of the gateway and Vert.x").hasSize(1)
                .allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO))
                .allSatisfy(e -> assertThat(e.getLoggerName()).endsWith("ProtocolErrors"));
        assertThat(gateway.requestRecords(APP)).isEqualTo(before);
    }

    @Test
    void staysHealthyAfterwards() throws Exception {
        assertThat(gateway.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(gateway.post(V1, "{\"features\":{\"a\":1}}", Map.of("X-Deadline-Ms", "5")).statusCode()).isEqualTo(504);
    }

    private static String oip(String shape, String data) {
        return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":" + shape + ",\"data\":" + data + "}]}";
    }
}
