package dev.rendezvous.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.tdunning.math.stats.MergingDigest;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DigestsTest {
    @Test
    void psiIsAboutZeroForTheSameDistributionAndLargeForAShiftedOne() {
        Random random = new Random(3);
        MergingDigest canary = Digests.create();
        MergingDigest same = Digests.create();
        MergingDigest shifted = Digests.create();
        for (int i = 0; i < 5_000; i++) {
            canary.add(random.nextGaussian());
            same.add(random.nextGaussian());
            shifted.add(random.nextGaussian() + 1);
        }
        assertThat(Digests.psi(canary, same)).isBetween(0.0, 0.02);
        assertThat(Digests.psi(canary, shifted)).isGreaterThan(0.5);
    }

    @Test
    void aPointMassIsOneBinNotSeveral() {
        MergingDigest canary = Digests.create();
        MergingDigest model = Digests.create();
        for (int i = 0; i < 1_000; i++) {
            canary.add(i < 900 ? 0.0 : i / 1000.0);
            model.add(i < 900 ? 0.0 : i / 1000.0);
        }
        assertThat(Digests.psi(canary, model)).isLessThan(0.01);
    }

    @Test
    void aDigestSurvivesItsBytes() {
        MergingDigest digest = Digests.create();
        for (int i = 0; i < 1_000; i++) {
            digest.add(i);
        }
        MergingDigest copy = Digests.fromBytes(Digests.toBytes(digest));
        assertThat(copy.size()).isEqualTo(1_000);
        assertThat(copy.quantile(0.5)).isEqualTo(digest.quantile(0.5));
    }

    @Test
    void psiOfAnEmptyDigestIsUnknown() {
        MergingDigest one = Digests.create();
        one.add(1);
        assertThat(Digests.psi(Digests.create(), one)).isNaN();
    }

    @Test
    void labelPsiIsZeroForTheSameLabelSharesAndLargeForSwappedOnes() {
        Map<String, Long> canary = Map.of("fraud", 100L, "legit", 900L);
        assertThat(Digests.psi(canary, Map.of("fraud", 10L, "legit", 90L))).isCloseTo(0.0, within(1e-12));
        // (0.9 - 0.1) ln 9 + (0.1 - 0.9) ln (1/9) = 1.6 ln 9
        assertThat(Digests.psi(canary, Map.of("fraud", 900L, "legit", 100L))).isCloseTo(1.6 * Math.log(9), within(1e-9));
    }

    @Test
    void aLabelOnlyOneSidePredictsCountsAsRareThere() {
        double psi = Digests.psi(Map.of("fraud", 50L, "legit", 50L), Map.of("legit", 50L, "review", 50L));
        double floor = Digests.PSI_FLOOR;
        double expected = (floor - 0.5) * Math.log(floor / 0.5) + 0 + (0.5 - floor) * Math.log(0.5 / floor);
        assertThat(psi).isCloseTo(expected, within(1e-9));
        assertThat(Digests.psi(Map.of(), Map.of("legit", 1L))).isNaN();
    }
}
