package dev.rendezvous.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real browser (Debian's chromium, headless): it loads with no script error and no
 * console message, and its three plots render with marks in them. The page's own inline check writes
 * {@code data-errors} and {@code data-rendered-plots} on its body; a deliberately broken copy shows the check can fail.
 */
class ReportInBrowserTest {
    private static final Pattern PLOT = Pattern.compile("<svg class=\"plot\".*?</svg>", Pattern.DOTALL);

    @BeforeAll
    static void needsChromium() {
        Assumptions.assumeTrue(HeadlessChromium.available(), "skipped: " + HeadlessChromium.BINARY
                + " is not installed (.ci/run installs Debian's chromium; locally: apt-get install -y chromium)");
    }

    @Test
    void loadsWithoutErrorsAndRendersEveryPlot(@TempDir Path work) throws Exception {
        Path html = FraudArchive.get().servedReplay().reportHtml();

        HeadlessChromium.Page page = HeadlessChromium.load(html, work);

        assertThat(page.dom()).contains("data-errors=\"0\"").contains("data-rendered-plots=\"3\"");
        assertThat(page.consoleLines()).isEmpty();
        Matcher plots = PLOT.matcher(page.dom());
        int count = 0;
        while (plots.find()) {
            count++;
            assertThat(plots.group()).containsPattern("<(rect|circle|polyline)");
        }
        assertThat(count).isEqualTo(3);
        assertThat(Files.readString(html)).doesNotContainPattern("(src|href)=\"(https?:)?//");
    }

    @Test
    void theSelfCheckSeesAScriptErrorOnABrokenCopy(@TempDir Path work) throws Exception {
        Path broken = work.resolve("broken.html");
        Files.writeString(broken, Files.readString(FraudArchive.get().servedReplay().reportHtml())
                .replace("<pre id=\"page-errors\">", "<script>notAFunction();</script><pre id=\"page-errors\">"));

        HeadlessChromium.Page page = HeadlessChromium.load(broken, work);

        assertThat(page.dom()).contains("data-errors=\"1\"").contains("notAFunction");
        assertThat(page.consoleLines()).isNotEmpty();
    }
}
