package dev.rendezvous.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThreadCpuTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "vert.x-eventloop-thread-3; vert.x-eventloop-thread",
            "data-plane-kafka-request-handler-0; data-plane-kafka-request-handler",
            "kafka-producer-network-thread | gateway-gw-bench; kafka-producer-network-thread | gateway-gw-bench",
            "bench.model.fraud-fm.1-1; bench.model.fraud-fm.1",
            "main; main"})
    void groupsThePoolsThreadsByNameWithoutTheirNumbers(String thread, String group) {
        assertThat(ThreadCpu.group(thread)).isEqualTo(group);
    }
}
