package dev.rendezvous.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void readsAnotherLiveProcessAndGrowsWithWorkDone() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(ProcessCpu.cpuNanosOf(child.pid())).isNotNegative();
        } finally {
            child.destroyForcibly();
        }
        long pid = ProcessHandle.current().pid();
        long before = ProcessCpu.cpuNanosOf(pid);
        long spinUntil = ProcessCpu.cpuNanos() + 200_000_000L;
        while (ProcessCpu.cpuNanos() < spinUntil) {
            Thread.onSpinWait();
        }
        assertThat(ProcessCpu.cpuNanosOf(pid)).as("200 ms of CPU later (10 ms ticks)").isGreaterThan(before);
    }

    @Test
    void saysSoWhenTheProcessIsGone() throws Exception {
        Process child = new ProcessBuilder("true").start();
        child.waitFor();
        long pid = child.pid();

        assertThatThrownBy(() -> ProcessCpu.cpuNanosOf(pid)).isInstanceOf(IllegalStateException.class).hasMessageContaining(Long.toString(pid));
    }
}
