package dev.rendezvous.model.runtimes.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The process's one ONNX Runtime environment, shared by every model of every runner in this JVM. */
final class OnnxEnvironment {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEnvironment.class);
    /**
     * Measured with onnxruntime 1.29.0 on Linux x86-64: creating the environment dies with SIGSEGV
     * once /proc/self/cmdline exceeds about 3,980 bytes (a long {@code java -cp ...}); the same JVM is
     * fine with the class path in an argfile, the CLASSPATH variable or a jar manifest.
     */
    private static final int RISKY_COMMAND_LINE_BYTES = 3_900;
    private static OrtEnvironment environment;

    private OnnxEnvironment() {
    }

    static synchronized OrtEnvironment get() {
        if (environment == null) {
            warnIfTheCommandLineIsLong();
            environment = OrtEnvironment.getEnvironment();
        }
        return environment;
    }

    /** A warning, not a refusal: if the process dies next, the last log line says why. */
    private static void warnIfTheCommandLineIsLong() {
        Path commandLine = Path.of("/proc/self/cmdline");
        try {
            if (Files.isReadable(commandLine)) {
                int bytes = Files.readAllBytes(commandLine).length;
                if (bytes > RISKY_COMMAND_LINE_BYTES) {
                    LOG.warn("this process's command line is {} bytes; ONNX Runtime 1.29 has crashed (SIGSEGV) on Linux above ~3,980: "
                            + "pass the class path in an argfile (java @args), the CLASSPATH variable or a jar manifest", bytes);
                }
            }
        } catch (IOException e) {
            // Only a diagnostic.
        }
    }
}
