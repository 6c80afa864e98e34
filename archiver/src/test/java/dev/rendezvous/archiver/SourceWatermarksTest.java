package dev.rendezvous.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.archive.format.line.SourceCoordinates;
import org.junit.jupiter.api.Test;

class SourceWatermarksTest {
    private final SourceWatermarks watermarks = new SourceWatermarks();

    @Test
    void treatsARecordBelowTheFirstOneSeenAsNewBecauseItsCopyMayHaveFailed() {
        watermarks.advance(source(0, 5));

        assertThat(watermarks.isRepeat(source(0, 3))).isFalse();
        watermarks.advance(source(0, 3));
        assertThat(watermarks.isRepeat(source(0, 3))).isTrue();
        assertThat(watermarks.isRepeat(source(0, 4))).isFalse();
        assertThat(watermarks.isRepeat(source(0, 5))).isTrue();
    }

    @Test
    void keepsSourcePartitionsApart() {
        watermarks.advance(source(0, 5));

        assertThat(watermarks.isRepeat(source(1, 5))).isFalse();
        assertThat(watermarks.isRepeat(new SourceCoordinates("other.requests", 0, 5))).isFalse();
    }

    @Test
    void forgetsGapsThatFallOutOfTheWindow() {
        watermarks.advance(source(0, 0));
        watermarks.advance(source(0, 10));
        assertThat(watermarks.isRepeat(source(0, 5))).isFalse();

        watermarks.advance(source(0, 10 + SourceWatermarks.WINDOW + 1));

        assertThat(watermarks.isRepeat(source(0, 5))).isTrue();
    }

    private static SourceCoordinates source(int partition, long offset) {
        return new SourceCoordinates("fraud.requests", partition, offset);
    }
}
