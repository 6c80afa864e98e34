package dev.rendezvous.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.replay.cli.ReplayCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code replay} command line: writes both reports and a summary, and answers expected errors in one line. */
class ReplayCommandTest {

    @Test
    void writesBothReportsAndPrintsTheAgreement(@TempDir Path out) throws Exception {
        FraudArchive archive = FraudArchive.get();
        StringWriter stdout = new StringWriter();

        int exit = commandLine(stdout, new StringWriter()).execute("--snapshot", archive.snapshotId, "--dir", archive.archiveDir.toString(),
                "--app", "fraud", "--model", archive.fmManifest.toString(), "--against", archive.lrManifest.toString(), "--out", out.toString(),
                "--threads", "2", "--top", "5");

        assertThat(exit).isZero();
        assertThat(out.resolve("report.json")).exists();
        assertThat(out.resolve("report.html")).exists();
        assertThat(stdout.toString()).contains("replayed 100000 inputs of snapshot " + archive.snapshotId + " with fraud-fm@1 against fraud-lr@1")
                .contains("agreement ");
        assertThat(Files.readString(out.resolve("report.json"))).contains("\"kind\" : \"model\"");
    }

    @Test
    void namesAMissingSnapshotInOneLine(@TempDir Path out) throws Exception {
        FraudArchive archive = FraudArchive.get();
        StringWriter stderr = new StringWriter();

        int exit = commandLine(new StringWriter(), stderr).execute("--snapshot", "0".repeat(64), "--dir", archive.archiveDir.toString(),
                "--model", archive.fmManifest.toString(), "--out", out.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(stderr.toString()).startsWith("replay: no snapshot " + "0".repeat(64)).doesNotContain("\tat ");
    }

    private static CommandLine commandLine(StringWriter out, StringWriter err) {
        return new CommandLine(new ReplayCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    }
}
