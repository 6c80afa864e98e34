package dev.rendezvous.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.ModelRole;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SelectorTest {

    @ParameterizedTest(name = "{0} accepts {1} as {2}: {3}")
    @CsvSource({
            "fraud-gbt@7,  fraud-gbt@7, live,    true",
            "fraud-gbt@7,  fraud-gbt@7, shadow,  true",
            "fraud-gbt@8,  fraud-gbt@8, canary,  true",
            "fraud-gbt@7,  fraud-gbt@8, live,    false",
            "fraud-gbt@*,  fraud-gbt@9, live,    true",
            "fraud-gbt@*,  fraud-gbt@8, canary,  false",
            "fraud-gbt@*,  fraud-lr@3,  live,    false",
            "any-live,     fraud-lr@3,  live,    true",
            "any-live,     fraud-nn@1,  shadow,  false",
            "any-live,     fraud-gbt@8, canary,  false",
            "any-live,     fraud-old@1, retired, false",
            "role:canary,  fraud-gbt@8, canary,  true",
            "role:canary,  fraud-gbt@7, live,    false",
            "role:shadow,  fraud-nn@1,  shadow,  true"})
    void acceptsOnlyWhatItNames(String selector, String model, String role, boolean accepted) {
        assertThat(Selector.parse(selector).accepts(ModelRef.parse(model), ModelRole.parse(role))).isEqualTo(accepted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fraud-gbt@7", "fraud-gbt@*", "any-live", "role:canary", "role:live"})
    void writesItselfAsItIsWritten(String text) {
        assertThat(Selector.parse(text).text()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fraud-gbt", "any", "role:", "@*", "a@b@c", "fraud gbt@7"})
    void rejectsWhatIsNotASelector(String text) {
        assertThatThrownBy(() -> Selector.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
