package dev.rendezvous.model.runtimes;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.model.api.manifest.ModelManifest;
import java.nio.file.Path;
import java.util.List;

/** Test fixture: the demo models, trained once into target/ and reused by every test (and later runs). */
public final class DemoManifests {
    private static final Path DIR = Path.of("target", "demo-models");
    private static List<Path> files;

    private DemoManifests() {
    }

    public static synchronized ModelManifest load(String fileStem) {
        if (files == null) {
            files = DemoModels.ensure(DIR);
        }
        return ModelManifest.load(DIR.resolve(fileStem + ".yaml"));
    }

    public static ModelManifest fm() {
        return load("fraud-fm-1");
    }

    public static ModelManifest lr() {
        return load("fraud-lr-1");
    }

    public static ModelManifest canary() {
        return load("fraud-lr-2");
    }
}
