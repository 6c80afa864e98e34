package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Expected errors from the launcher's commands are one line on stderr, not a Java stack trace. */
class CommandErrorsTest {
    @Test
    void reportsAnIllegalAppNameOnTraceAsOneLine(@TempDir Path dir) {
        CommandLine commandLine = Main.newCommandLine();
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setOut(new PrintWriter(out, true));

        int exit = commandLine.execute("archive", "trace", "--dir", dir.toString(), "--app", "../x", "some-request");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ").contains("../x");
        assertThat(out.toString()).isEmpty();
    }
}
