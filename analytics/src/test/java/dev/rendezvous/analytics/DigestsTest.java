package dev.rendezvous.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.tdunning.math.stats.MergingDigest;
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
}
