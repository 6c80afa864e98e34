package dev.rendezvous.bench.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the numbers were measured on: cores, memory, Java, OS and the load average at the time, since
 * other processes on a shared machine move latencies more than anything measured here.
 */
public record MachineInfo(int cores, long memoryBytes, String java, String os, String loadAverageAtStart, String cpu) {

    public static MachineInfo current() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                currentLoadAverage(), readCpuModel());
    }

    /** The 1, 5 and 15 minute load averages as the kernel prints them. */
    public static String currentLoadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static String readCpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
