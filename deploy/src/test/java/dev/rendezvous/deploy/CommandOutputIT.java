package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher ({@code target/rendezvous.jar}, its own logging configuration) as a shell
 * script uses it: a command's stdout holds its result only, so that {@code SNAP=$(rendezvous archive
 * snapshot create ...)} works; log lines go to stderr. An IT because the jar exists only after
 * {@code package}.
 */
class CommandOutputIT {
    private static final Path JAR = Path.of("target", "rendezvous.jar");

    @TempDir
    Path dir;

    @Test
    void printsOnlyTheSnapshotIdOnStdoutAndTheLogLineOnStderr() throws Exception {
        Run created = rendezvous("archive", "snapshot", "create", "--dir", dir.resolve("archive").toString(), "--app", "fraud",
                "--seal-timeout", "PT0S");

        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.stdout()).as(created.toString()).matches("[0-9a-f]{64}\n");
        String id = created.stdout().trim();
        assertThat(created.stderr()).as("the log line is still written, to stderr").contains("snapshot " + id + " of fraud");

        Run shown = rendezvous("archive", "snapshot", "show", "--dir", dir.resolve("archive").toString(), id);
        assertThat(shown.exit()).as(shown.toString()).isZero();
        assertThat(JsonCodec.mapper().readTree(shown.stdout()).path("app").asText()).as(shown.toString()).isEqualTo("fraud");

        Run exported = rendezvous("archive", "export", "--dir", dir.resolve("archive").toString(), "--snapshot", id,
                "--out", dir.resolve("export").toString());
        assertThat(exported.exit()).as(exported.toString()).isZero();
        JsonNode manifest = JsonCodec.mapper().readTree(exported.stdout());
        assertThat(manifest.path("rows").asLong()).as(exported.toString()).isZero();
    }

    /** What one run of the launcher printed, each stream on its own. */
    private record Run(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout:\n" + stdout + "--- stderr:\n" + stderr;
        }
    }

    private Run rendezvous(String... args) throws IOException, InterruptedException {
        assertThat(JAR).as("the launcher is packaged before integration tests run").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(dir, "stdout", ".txt");
        Path stderr = Files.createTempFile(dir, "stderr", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("rendezvous " + String.join(" ", args) + " did not end within 60 s");
        }
        return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
