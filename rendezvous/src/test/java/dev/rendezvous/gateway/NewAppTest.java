package dev.rendezvous.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.protocol.JsonCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NewAppTest {
    private static final String POLICY = "{\"deadline\": \"100ms\", \"stages\": [{\"accept\": [\"any-live\"]}],"
            + " \"fallback\": {\"output\": {\"label\": \"legit\"}, \"reason\": \"none in time\"}}";

    private static NewApp parse(String json) throws Exception {
        return NewApp.parse(JsonCodec.mapper().readTree(json));
    }

    @Test
    void fillsInTheDocumentedDefaultsAndThePolicysApp() throws Exception {
        NewApp app = parse("{\"name\": \"loans\", \"policy\": " + POLICY + "}");
        assertThat(app.partitions()).isEqualTo(3);
        assertThat(app.retentionMs()).isEqualTo(604_800_000L);
        assertThat(app.policy().app()).isEqualTo("loans");
        assertThat(app.policy().deadlineMs()).isEqualTo(100);
    }

    @Test
    void takesThePolicyAsYamlTextToo() throws Exception {
        NewApp app = parse("{\"name\": \"loans\", \"partitions\": 6, \"retentionMs\": 60000, \"policy\":"
                + " \"deadline: 50ms\\nstages:\\n  - accept: [any-live]\\nfallback: {output: {label: legit}, reason: late}\\n\"}");
        assertThat(app.partitions()).isEqualTo(6);
        assertThat(app.retentionMs()).isEqualTo(60_000L);
        assertThat(app.policy().deadlineMs()).isEqualTo(50);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "[]                                                                  | body",
            "{\"policy\": " + POLICY + "}                                        | body.name",
            "{\"name\": 7, \"policy\": " + POLICY + "}                           | body.name",
            "{\"name\": \"Loans\", \"policy\": " + POLICY + "}                   | body.name",
            "{\"name\": \"loans\", \"partitions\": 0, \"policy\": " + POLICY + "}    | body.partitions",
            "{\"name\": \"loans\", \"partitions\": 2.5, \"policy\": " + POLICY + "}  | body.partitions",
            "{\"name\": \"loans\", \"partitions\": \"3\", \"policy\": " + POLICY + "} | body.partitions",
            "{\"name\": \"loans\", \"partitions\": 1001, \"policy\": " + POLICY + "} | body.partitions",
            "{\"name\": \"loans\", \"retentionMs\": 59999, \"policy\": " + POLICY + "} | body.retentionMs",
            "{\"name\": \"loans\", \"retentionMs\": 1e30, \"policy\": " + POLICY + "}  | body.retentionMs",
            "{\"name\": \"loans\"}                                               | body.policy",
            "{\"name\": \"loans\", \"policy\": 3}                                | body.policy",
            "{\"name\": \"loans\", \"policy\": \"- just a list\"}                | body.policy",
            "{\"name\": \"loans\", \"policy\": {\"app\": \"fraud\", \"deadline\": \"1s\"}} | body.policy.app",
            "{\"name\": \"loans\", \"policy\": {\"deadline\": \"1s\"}}           | body.policy.stages",
            "{\"name\": \"loans\", \"colour\": \"red\", \"policy\": " + POLICY + "} | body.colour",
    })
    void refusesABadBodyNamingTheField(String body, String where) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.where()).isEqualTo(where);
                });
    }
}
