package dev.rendezvous.archive.format.line;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VerbatimJsonTest {

    @Test
    void decidesAsDecodingToTextAndParsingThatDidForEveryMutatedValue() {
        List<byte[]> values = TrickyBytes.values(20_250_131L, 20_000);
        SoftAssertions softly = new SoftAssertions();
        int embeddable = 0;
        for (byte[] value : values) {
            boolean expected = JacksonLineEncoder.embeddable(value).isPresent();
            embeddable += expected ? 1 : 0;
            softly.assertThat(VerbatimJson.isEmbeddable(value)).as("%s", new String(value, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        }
        softly.assertAll();
        // Both answers are exercised, so that agreement means something.
        assertThat(embeddable).isBetween(values.size() / 20, values.size() * 19 / 20);
    }

    static Stream<Arguments> edges() {
        return Stream.of(
                Arguments.of("UTF-16 with a NUL in the first bytes, which Jackson's byte parser would take as UTF-16",
                        "{\"a\":1}".getBytes(StandardCharsets.UTF_16BE), false),
                Arguments.of("a NUL after the value", TrickyBytes.bytes('1', 0x00), false),
                Arguments.of("a byte-order mark, which Jackson's byte parser would skip", TrickyBytes.bytes(0xEF, 0xBB, 0xBF, '1'), false),
                Arguments.of("a name of 30,000 two-byte characters: 60,000 bytes, within the 50,000 characters allowed",
                        TrickyBytes.utf8("{\"" + "é".repeat(30_000) + "\":1}"), true),
                Arguments.of("a surrogate encoded in UTF-8", TrickyBytes.bytes('"', 0xED, 0xA0, 0x80, '"'), false),
                Arguments.of("an overlong slash", TrickyBytes.bytes('"', 0xC0, 0xAF, '"'), false),
                Arguments.of("a tab between tokens", TrickyBytes.utf8("[1,\t2]"), true),
                Arguments.of("a raw tab inside a string", TrickyBytes.utf8("\"a\tb\""), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edges")
    void handlesTheBytesWhereAByteParserCouldDisagreeWithATextParser(String description, byte[] value, boolean embeddable) {
        assertThat(VerbatimJson.isEmbeddable(value)).isEqualTo(embeddable);
        assertThat(JacksonLineEncoder.embeddable(value).isPresent()).isEqualTo(embeddable);
    }
}
