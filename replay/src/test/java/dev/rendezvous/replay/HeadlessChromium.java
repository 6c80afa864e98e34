package dev.rendezvous.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's chromium, headless: loads a local page and returns the DOM after load and what it logged. */
final class HeadlessChromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    /** The DOM as serialised after the load event, and chromium's stderr (console messages appear as {@code :CONSOLE} lines). */
    record Page(String dom, String log) {
        List<String> consoleLines() {
            return log.lines().filter(line -> line.contains(":CONSOLE")).toList();
        }
    }

    private HeadlessChromium() {
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    static Page load(Path html, Path workDir) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(workDir.resolve("chromium-profile"));
        Path dom = workDir.resolve("dom.html");
        Path log = workDir.resolve("chromium.log");
        Process chromium = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--dump-dom", html.toUri().toString())
                .redirectOutput(dom.toFile())
                .redirectError(log.toFile())
                .start();
        if (!chromium.waitFor(120, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new IOException("chromium did not finish loading " + html + " within 120 s; log: " + Files.readString(log));
        }
        if (chromium.exitValue() != 0) {
            throw new IOException("chromium exited with " + chromium.exitValue() + "; log: " + Files.readString(log));
        }
        return new Page(Files.readString(dom, StandardCharsets.UTF_8), Files.readString(log, StandardCharsets.UTF_8));
    }
}
