package dev.rendezvous.k8s;

import java.util.Locale;

/** Where the build makes the image: its runtime and libraries are the build machine's (decision 013), Linux on x86-64. */
final class ImageBuild {
    private ImageBuild() {
    }

    static boolean supportedHere() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).equals("linux")
                && System.getProperty("os.arch", "").equals("amd64");
    }
}
