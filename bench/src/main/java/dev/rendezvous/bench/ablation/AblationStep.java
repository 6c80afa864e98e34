package dev.rendezvous.bench.ablation;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One configuration of the ablation: the services the platform runs and its model manifests (file
 * names in the models directory), or the demo models as {@code rendezvous up} runs them when
 * {@code manifests} is null.
 *
 * @param name      short name for tables, e.g. {@code 1 model}
 * @param adds      what this step adds to the one before, in words
 * @param services  the platform's {@code services}; null for the built-in default (all five)
 * @param manifests manifest file names under the models directory; null for {@code models.demo: true}
 */
public record AblationStep(String name, String adds, List<String> services, List<String> manifests) {

    public AblationStep {
        services = services == null ? null : List.copyOf(services);
        manifests = manifests == null ? null : List.copyOf(manifests);
    }

    /**
     * The platform config keys that make this step, for {@code --set key=value} or the in-JVM
     * platform's overrides: nothing for the built-in configuration.
     */
    public Map<String, String> settings(Path modelsDir) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (services != null) {
            settings.put("services", "[" + String.join(", ", services) + "]");
        }
        if (manifests != null) {
            settings.put("models.demo", "false");
            settings.put("models.manifests", manifests.stream().map(m -> modelsDir.resolve(m).toAbsolutePath().toString())
                    .collect(Collectors.joining(", ", "[", "]")));
        }
        return settings;
    }
}
