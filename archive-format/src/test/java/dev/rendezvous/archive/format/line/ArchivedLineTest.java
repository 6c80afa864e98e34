package dev.rendezvous.archive.format.line;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArchivedLineTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 40, 60})
    void rejectsALineCutShortByACrash(int keptBytes) {
        byte[] line = LineEncoder.encode(LineEncoderTest.record(5, null, "{\"a\":[1,2,3]}".getBytes(StandardCharsets.UTF_8),
                new org.apache.kafka.common.header.internals.RecordHeaders()));
        byte[] torn = Arrays.copyOf(line, Math.min(keptBytes, line.length - 3));

        assertThatThrownBy(() -> ArchivedLine.parse(torn)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "[]", "{\"topic\":\"t\",\"partition\":0}", "{\"topic\":\"t\",\"partition\":0,\"offset\":1} {}"})
    void rejectsWhatIsNotAnArchiveLine(String text) {
        assertThatThrownBy(() -> ArchivedLine.parse(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
