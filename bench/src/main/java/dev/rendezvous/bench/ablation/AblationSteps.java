package dev.rendezvous.bench.ablation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The ablation of issue 14: the rendezvous path built up one component at a time, from one model to
 * the platform exactly as {@code rendezvous up} runs it, so that the difference between two neighbouring
 * steps is the cost of what the later one adds (docs/decisions/021-ablation-steps.md).
 */
public final class AblationSteps {
    /** Suffix of the manifest copies that score each poll at once ({@code batching.maxWaitMs: 0}). */
    static final String NO_WAIT = "-nowait";
    private static final List<String> CORE = List.of("gateway", "rendezvous", "models");
    private static final List<String> WITH_ARCHIVE = List.of("gateway", "rendezvous", "models", "decoy", "archiver");

    private AblationSteps() {
    }

    /**
     * The four steps over the demo models in {@code modelsDir}, writing there the copies of
     * {@code fraud-lr@1} and the canary {@code fraud-lr@2} that do not pause to batch. The demo models must
     * already be trained in it.
     */
    public static List<AblationStep> demo(Path modelsDir) throws IOException {
        String lr1 = noWaitCopy(modelsDir, "fraud-lr-1");
        String lr2 = noWaitCopy(modelsDir, "fraud-lr-2");
        List<String> three = List.of("fraud-fm-1.yaml", lr1, lr2);
        return List.of(
                new AblationStep("1 model", "gateway, rendezvous and the served model fraud-fm@1 alone", CORE, List.of("fraud-fm-1.yaml")),
                new AblationStep("+2 models", "fraud-lr@1 and the canary fraud-lr@2, each scoring every poll at once (batching.maxWaitMs 0)",
                        CORE, three),
                new AblationStep("+decoy, archiver", "the decoy and the archiver (every request archived)", WITH_ARCHIVE, three),
                new AblationStep("+batching canary (= up)", "fraud-lr@1 and the canary pause 20 ms to batch, as the demo manifests ship: "
                        + "the platform exactly as `rendezvous up` runs it", null, null));
    }

    /** Writes {@code <stem>-nowait.yaml}: the demo manifest with {@code batching.maxWaitMs: 0}, same artifact; returns its file name. */
    static String noWaitCopy(Path modelsDir, String stem) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode manifest = (ObjectNode) yaml.readTree(modelsDir.resolve(stem + ".yaml").toFile());
        manifest.withObject("/batching").put("maxWaitMs", 0);
        String name = stem + NO_WAIT + ".yaml";
        yaml.writeValue(modelsDir.resolve(name).toFile(), manifest);
        return name;
    }
}
