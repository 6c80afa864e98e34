package dev.rendezvous.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProcessCpuTest {

    /** utime is field 14 and stime field 15 of /proc/<pid>/stat, counted past the command name, which may hold spaces and parentheses. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "4242 (java) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 40 0 123 456 789 | 100 | 3000000000",
            "7 (a b) c)) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 1 1 1 | 100 | 30000000",
            "9 (x) S 1 9 9 0 -1 0 0 0 0 0 1000 0 0 0 20 0 1 0 1 1 1 | 1000 | 1000000000"})
    void readsUserPlusSystemTicksAsNanoseconds(String stat, long ticksPerSecond, long nanos) {
        assertThat(ProcessCpu.parseStatCpuNanos(stat, ticksPerSecond)).isEqualTo(nanos);
    }

    @org.junit.jupiter.api.Test
    void readsAProcessOfThisMachineThatIsAlive() {
        long before = ProcessCpu.cpuNanosOf(ProcessHandle.current().pid());
        assertThat(before).isPositive();
        assertThat(ProcessCpu.cpuNanosOf(ProcessHandle.current().pid())).isGreaterThanOrEqualTo(before);
    }
}
