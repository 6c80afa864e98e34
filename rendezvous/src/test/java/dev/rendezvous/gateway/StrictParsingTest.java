package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway's strict reading of bodies and headers: what it refuses, where it says the problem is, and in whose words. */
class StrictParsingTest {
    private final JsonBodyReader reader = new JsonBodyReader(8, 10);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "trailing word         | {\"features\":{}} xyz                 | body                 | more after its JSON object (line 1, column 17)",
            "second object         | {\"features\":{}}{}                   | body                 | more after its JSON object",
            "duplicate key         | {\"features\":{\"a\":1,\"a\":2}}      | body.features.a      | key 'a' appears twice",
            "duplicate top key     | {\"features\":{},\"features\":{}}     | body.features        | key 'features' appears twice",
            "overflowing number    | {\"features\":{\"a\":1e309}}          | body.features.a      | beyond the range of a double",
            "negative overflow     | {\"features\":{\"a\":-1e309}}         | body.features.a      | beyond the range of a double",
            "overflow in an array  | {\"features\":{\"a\":[1,1e400]}}      | body.features.a[1]   | beyond the range of a double",
            "truncated             | {\"features\":{\"a\":1                | body.features.a      | ends before the JSON is complete",
            "bad literal           | {\"features\":{\"a\":tru}}            | body.features.a      | 'tru' is not a JSON value",
            "NaN                   | {\"features\":{\"a\":NaN}}            | body.features.a      | NaN and Infinity are not JSON numbers",
            "control character     | {\"features\":{\"a\":\"x\u0001\"}}    | body.features.a      | a control character (code 1)",
            "nested too deep       | {\"a\":[[[[[[[[[[]]]]]]]]]]}          | body                 | nested too deeply",
            "unquoted key          | {features:{}}                         | body                 | unexpected character 'f'"})
    void refusesInItsOwnWordsNamingWhere(String name, String body, String where, String messagePart) {
        ApiError error = catchThrowableOfType(() -> reader.readObject(Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)), "x"), ApiError.class);

        assertThat(error).as(name).isNotNull();
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.where()).isEqualTo(where);
        assertThat(error.getMessage()).contains(messagePart)
                .doesNotContain("Source", "REDACTED", "StreamRead", "jackson", "`", "\n");
    }

    @org.junit.jupiter.api.Test
    void refusesATrailingNul() {
        // Not in the table: CSV sources trim it away as white space.
        ApiError error = catchThrowableOfType(() -> reader.readObject(Buffer.buffer("{\"features\":{}}\0"), "x"), ApiError.class);

        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains("more after its JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"features\":{}}", "{\"features\":{}}  \r\n\t", " {\"features\":{\"a\":1.5e308,\"b\":-2}}"})
    void acceptsOneObjectWithWhiteSpaceAround(String body) {
        assertThat(reader.readObject(Buffer.buffer(body), "x").has("features")).isTrue();
    }

    @ParameterizedTest(name = "''{0}'' acceptable: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "application/json                  | true",
            "Application/JSON; charset=UTF-8   | true",
            "application/json;charset=\"utf-8\" | true",
            "application/json; foo=bar         | true",
            "application/jsonx                 | false",
            "application/json-patch+json       | false",
            "text/json                         | false",
            "application/json; charset=latin1  | false",
            "application/json; nonsense        | false",
            "~~                                | false"})
    void acceptsOnlyApplicationJsonWithParameters(String contentType, boolean acceptable) {
        assertThat(JsonBodyReader.contentTypeProblem(contentType) == null).isEqualTo(acceptable);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\" 5 \"", "5 0", "+5", "5.0", "5ms", "0x10", "-3", "1234567890123456789", "", "٥"})
    void refusesADeadlineHeaderThatIsNotPlainDigits(String header) {
        ApiError error = catchThrowableOfType(() -> CallerHeaders.deadlineMs(header), ApiError.class);

        assertThat(error).isNotNull();
        assertThat(error.where()).isEqualTo("header X-Deadline-Ms");
    }

    @ParameterizedTest
    @CsvSource({"5, 5", "0100, 100", "999999999999999999, 999999999999999999"})
    void readsAPlainDigitsDeadline(String header, long expected) {
        assertThat(CallerHeaders.deadlineMs(header)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "/v1/score/%zz                  | path  | '%zz' at character 10",
            "/health/live%4                 | path  | '%4' at character 12",
            "/v1/score/fraud?explain=%zz    | query | '%zz' at character 24",
            "/v1/score/fraud?x=1%           | query | '%' at character 19"})
    void findsAMalformedPercentEscapeAndSaysWhere(String uri, String where, String messagePart) {
        assertThat(ProtocolErrors.badEscape(uri)).hasValueSatisfying(error -> {
            assertThat(error.where()).isEqualTo(where);
            assertThat(error.getMessage()).contains(messagePart);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/score/fraud", "/v2/models/fraud/versions/fraud-gbt%407/infer", "/v1/score/fraud?explain=true&x=%2F%2f"})
    void acceptsWellFormedEscapes(String uri) {
        assertThat(ProtocolErrors.badEscape(uri)).isEmpty();
    }
}
