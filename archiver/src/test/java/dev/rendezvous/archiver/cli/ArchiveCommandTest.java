package dev.rendezvous.archiver.cli;

import static dev.rendezvous.archiver.ArchiveFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.archive.format.segment.SegmentCatalog;
import dev.rendezvous.archiver.ArchiveFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ArchiveCommandTest {
    @TempDir
    Path archiveDir;
    @TempDir
    Path exports;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void archiveSomeRequests() throws Exception {
        try (ArchiveFixture archive = new ArchiveFixture(archiveDir, "fraud", 2_000)) {
            for (int n = 0; n < 20; n++) {
                archive.append("decoy", 0, n, T0 + n, "r-" + n, ArchiveFixture.request("r-" + n, n));
            }
            archive.sealAll();
        }
    }

    @Test
    void createsListsVerifiesAndExportsASnapshot() throws Exception {
        assertThat(run("snapshot", "create", "--dir", dir(), "--app", "fraud", "--label", "training-2025", "--seal-timeout", "PT0S")).isZero();
        String id = out.toString().trim();
        out.getBuffer().setLength(0);

        assertThat(run("snapshot", "list", "--dir", dir(), "--app", "fraud")).isZero();
        assertThat(out.toString()).contains(id).contains("training-2025");
        assertThat(run("snapshot", "verify", "--dir", dir(), id)).isZero();
        assertThat(run("export", "--dir", dir(), "--snapshot", id, "--out", exports.resolve("x").toString())).isZero();
        assertThat(Files.readAllLines(exports.resolve("x").resolve("inputs.ndjson"))).hasSize(20);
    }

    @Test
    void exitsWithOneWhenASnapshotNoLongerVerifies() throws Exception {
        run("snapshot", "create", "--dir", dir(), "--app", "fraud", "--seal-timeout", "PT0S");
        String id = out.toString().trim();
        Path segment = SegmentCatalog.path(archiveDir.resolve("fraud"), SegmentCatalog.sealed(archiveDir.resolve("fraud")).get(0));
        Files.setPosixFilePermissions(segment, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(segment, "tampered");

        assertThat(run("snapshot", "verify", "--dir", dir(), "--app", "fraud", id)).isEqualTo(1);
        assertThat(out.toString()).contains("\"mismatches\"").contains(segment.getFileName().toString());
    }

    @Test
    void tracesARequestAndSaysSoWhenItIsUnknown() {
        assertThat(run("trace", "--dir", dir(), "r-7")).isZero();
        assertThat(out.toString()).contains("\"hashVerified\" : true").contains("\"id\" : \"r-7\"");

        assertThat(run("trace", "--dir", dir(), "--app", "fraud", "r-700")).isEqualTo(1);
        assertThat(err.toString()).contains("r-700");
    }

    @Test
    void reportsAnUnknownSnapshotInOneLine() {
        assertThat(run("snapshot", "show", "--dir", dir(), "0".repeat(64))).isEqualTo(1);
        assertThat(err.toString()).startsWith("archive: no snapshot").doesNotContain("\tat ");
    }

    private int run(String... args) {
        CommandLine commandLine = ArchiveCommand.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private String dir() {
        return archiveDir.toString();
    }
}
