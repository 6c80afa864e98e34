package dev.rendezvous.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's chromium, headless, on a page served over HTTP: the DOM once its scripts' work is done
 * (virtual time runs until the network is idle, up to a budget), and a screenshot. The same approach
 * as the replay report's browser test (replay's HeadlessChromium), which loads local files.
 */
final class HeadlessChromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** The DOM of {@code url} after {@code budgetMs} of virtual time. */
    static String dom(String url, Path workDir, int budgetMs) throws IOException, InterruptedException {
        Path dom = workDir.resolve("dom.html");
        run(workDir, dom, List.of("--virtual-time-budget=" + budgetMs, "--dump-dom", url));
        return Files.readString(dom, StandardCharsets.UTF_8);
    }

    /** A screenshot of {@code url} after {@code budgetMs} of virtual time, written to {@code png}. */
    static void screenshot(String url, Path workDir, int budgetMs, Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(workDir, workDir.resolve("screenshot.out"), List.of("--virtual-time-budget=" + budgetMs, "--window-size=1280,1100",
                "--screenshot=" + png.toAbsolutePath(), url));
    }

    private static void run(Path workDir, Path out, List<String> args) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(workDir.resolve("chromium-profile"));
        Path log = workDir.resolve("chromium.log");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        command.addAll(args);
        Process chromium = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
        if (!chromium.waitFor(120, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new IOException("chromium did not finish within 120 s; log: " + Files.readString(log));
        }
        if (chromium.exitValue() != 0) {
            throw new IOException("chromium exited with " + chromium.exitValue() + "; log: " + Files.readString(log));
        }
    }
}
