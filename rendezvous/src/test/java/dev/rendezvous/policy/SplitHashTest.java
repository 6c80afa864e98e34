package dev.rendezvous.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SplitHashTest {
    private static final List<SplitVariant> NINETY_TEN = List.of(
            new SplitVariant(0.9, List.of(Selector.parse("fraud-gbt@7"))),
            new SplitVariant(0.1, List.of(Selector.parse("fraud-gbt@8"))));

    /** Expected values computed outside Java: {@code (int.from_bytes(sha256(id)[:8], 'big') >> 11) * 2**-53} in Python. */
    @ParameterizedTest(name = "{0} sits at {1}")
    @CsvSource({
            "req-1,      0.5794485793621023",
            "req-2,      0.6507564023143245",
            "fraud-0001, 0.36474662025601545",
            "a,          0.7913742705223815"})
    void placesARequestIdWhereTheDocumentedHashSays(String requestId, double expected) {
        assertThat(SplitHash.position(requestId)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} gets variant {1}")
    @CsvSource({"req-0, 0", "req-1, 0", "req-6, 1", "req-18, 1"})
    void givesARequestIdTheSameVariantEveryTime(String requestId, int variant) {
        assertThat(SplitHash.variantFor(NINETY_TEN, requestId)).isEqualTo(variant);
        assertThat(SplitHash.variantFor(NINETY_TEN, requestId)).isEqualTo(variant);
    }

    @Test
    void sharesTenThousandRequestsCloseToTheWeights() {
        List<SplitVariant> variants = List.of(
                new SplitVariant(0.5, List.of(Selector.parse("a@1"))),
                new SplitVariant(0.3, List.of(Selector.parse("b@1"))),
                new SplitVariant(0.2, List.of(Selector.parse("c@1"))));
        int[] counts = new int[variants.size()];
        int ninetyTenSecond = 0;
        for (int i = 0; i < 10_000; i++) {
            counts[SplitHash.variantFor(variants, "req-" + i)]++;
            ninetyTenSecond += SplitHash.variantFor(NINETY_TEN, "req-" + i);
        }

        // Five standard deviations of a binomial over 10,000 draws: at most 250 for p = 0.5, 150 for p = 0.1.
        assertThat(counts[0]).isCloseTo(5000, within(250));
        assertThat(counts[1]).isCloseTo(3000, within(230));
        assertThat(counts[2]).isCloseTo(2000, within(200));
        assertThat(ninetyTenSecond).isCloseTo(1000, within(150));
    }

    @Test
    void neverGivesAVariantWithoutWeightARequest() {
        List<SplitVariant> variants = List.of(
                new SplitVariant(0.0, List.of(Selector.parse("a@1"))),
                new SplitVariant(1.0, List.of(Selector.parse("b@1"))),
                new SplitVariant(0.0, List.of(Selector.parse("c@1"))));

        for (int i = 0; i < 1_000; i++) {
            assertThat(SplitHash.variantFor(variants, "req-" + i)).isEqualTo(1);
        }
    }

    @Test
    void hasNoVariantWithoutASplit() {
        assertThat(SplitHash.variantFor(List.of(), "req-1")).isNull();
    }
}
