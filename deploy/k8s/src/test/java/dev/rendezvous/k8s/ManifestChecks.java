package dev.rendezvous.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.deploy.Main;
import dev.rendezvous.deploy.config.ConfigException;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.config.PlatformConfig;
import dev.rendezvous.deploy.config.PlatformConfig.Service;
import dev.rendezvous.model.api.manifest.ManifestException;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicNames;
import dev.rendezvous.protocol.TopicSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Checks a set of Kubernetes resources against the code they run: each container's command line is the
 * launcher's, its configuration loads with {@link ConfigLoader} (unknown keys fail), probes hit the
 * endpoints and ports the process really serves, the KafkaTopics are what {@link TopicLayout} creates,
 * runner pods mount a manifest whose artifact has its hash, and Services, budgets, autoscalers and
 * network policies select pods that exist. Returns every problem found, each naming the resource.
 */
final class ManifestChecks {
    /** What {@code ManagementServer} and the gateway serve; anything else is a probe that always fails. */
    static final Set<String> LIVENESS = Set.of("/health/live");
    static final Set<String> READINESS = Set.of("/health/ready");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private final List<HasMetadata> resources;
    private final Path scratch;
    private final List<String> problems = new ArrayList<>();

    /** One pod template, its volume claims, and what its container's command line loads to. */
    record Workload(String id, int replicas, Map<String, String> podLabels, PodTemplateSpec template, List<PersistentVolumeClaim> claims, PlatformConfig config) {
    }

    private ManifestChecks(List<HasMetadata> resources, Path scratch) {
        this.resources = resources;
        this.scratch = scratch;
    }

    static List<String> check(List<HasMetadata> resources, Path scratch) {
        ManifestChecks checks = new ManifestChecks(resources, scratch);
        checks.run();
        return checks.problems;
    }

    private void run() {
        List<Workload> workloads = new ArrayList<>();
        for (HasMetadata resource : resources) {
            if (resource instanceof Deployment d) {
                workloads.add(workload("Deployment/" + d.getMetadata().getName(), replicas(d.getSpec().getReplicas()), d.getSpec().getTemplate(), List.of()));
            } else if (resource instanceof StatefulSet s) {
                workloads.add(workload("StatefulSet/" + s.getMetadata().getName(), replicas(s.getSpec().getReplicas()), s.getSpec().getTemplate(),
                        s.getSpec().getVolumeClaimTemplates() == null ? List.of() : s.getSpec().getVolumeClaimTemplates()));
            }
        }
        if (workloads.isEmpty()) {
            problems.add("no Deployment or StatefulSet at all");
        }
        checkTopics(workloads);
        checkSelectors(workloads);
    }

    private static int replicas(Integer replicas) {
        return replicas == null ? 1 : replicas;
    }

    private Workload workload(String id, int replicas, PodTemplateSpec template, List<PersistentVolumeClaim> claims) {
        Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null ? Map.of() : template.getMetadata().getLabels();
        List<Container> containers = template.getSpec().getContainers();
        if (containers.size() != 1) {
            problems.add(id + ": expected one container (one service per pod), found " + containers.size());
            return new Workload(id, replicas, labels, template, claims, null);
        }
        Container container = containers.get(0);
        String image = container.getImage();
        String repository = image == null ? "" : image.replaceFirst("[:@].*$", "");
        if (!repository.equals("rendezvous") && !repository.endsWith("/rendezvous")) {
            problems.add(id + ": image '" + image + "' is not the platform's image (rendezvous[:tag])");
        }
        PlatformConfig config = loadConfig(id, template, container);
        if (config != null) {
            checkProbes(id, container, config);
            checkFileSystem(id, template, container, claims, config);
        }
        if (container.getResources() == null || container.getResources().getRequests() == null
                || !container.getResources().getRequests().containsKey("cpu") || !container.getResources().getRequests().containsKey("memory")
                || container.getResources().getLimits() == null || !container.getResources().getLimits().containsKey("memory")) {
            problems.add(id + ": expected cpu and memory requests and a memory limit (the JVM sizes its heap from the limit)");
        }
        return new Workload(id, replicas, labels, template, claims, config);
    }

    /** Parses the container's args with the launcher's own command line and loads its configuration as {@code up} would. */
    private PlatformConfig loadConfig(String id, PodTemplateSpec template, Container container) {
        List<String> args = new ArrayList<>();
        for (String arg : container.getArgs() == null ? List.<String>of() : container.getArgs()) {
            args.add(expand(id, arg, container));
        }
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            problems.add(id + ": sets command " + container.getCommand() + "; the image's entry point is the launcher, give args only");
        }
        ParseResult parsed;
        try {
            parsed = Main.newCommandLine().parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            problems.add(id + ": args " + args + " do not parse: " + e.getMessage());
            return null;
        }
        if (!parsed.hasSubcommand() || !parsed.subcommand().commandSpec().name().equals("up")) {
            problems.add(id + ": args " + args + " do not start a service (expected 'up ...')");
            return null;
        }
        ParseResult up = parsed.subcommand();
        Map<String, String> overrides = new LinkedHashMap<>(up.matchedOptionValue("--set", new LinkedHashMap<String, String>()));
        // The kubelet's part: each ConfigMap volume becomes a directory of its keys. ConfigLoader checks that
        // the files it is given (models.manifests) exist, so the paths in the args point into those directories.
        for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
            ConfigMap map = volume(template, mount.getName()).map(Volume::getConfigMap).map(ref -> configMap(ref.getName())).orElse(null);
            if (map != null) {
                Path dir = materialize(id, map);
                overrides.replaceAll((key, value) -> value.replace(mount.getMountPath() + "/", dir + "/"));
            }
        }
        Path configFile = null;
        Path configPath = up.matchedOptionValue("--config", (Path) null);
        if (configPath != null) {
            String content = mountedFile(id, template, container, configPath.toString());
            if (content == null) {
                return null;
            }
            configFile = write(id + "-config.yaml", content.getBytes(StandardCharsets.UTF_8));
        }
        try {
            return ConfigLoader.load(configFile, overrides);
        } catch (ConfigException e) {
            problems.add(id + ": its configuration is refused: " + e.getMessage().replace('\n', ' '));
            return null;
        }
    }

    /** Kubernetes' $(VAR) expansion in args, from the container's env: a pod name, or a secret (its key must exist). */
    private String expand(String id, String arg, Container container) {
        Matcher matcher = VARIABLE.matcher(arg);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            EnvVar env = container.getEnv() == null ? null : container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElse(null);
            String value;
            if (env == null) {
                problems.add(id + ": arg '" + arg + "' uses $(" + name + "), which the container's env does not define");
                value = name;
            } else if (env.getValue() != null) {
                value = env.getValue();
            } else if (env.getValueFrom() != null && env.getValueFrom().getFieldRef() != null) {
                value = "pod-0";
            } else if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                var ref = env.getValueFrom().getSecretKeyRef();
                checkSecretKey(id, ref.getName(), ref.getKey());
                value = "k8s-test-" + ref.getKey() + "-0123456789abcdef";
            } else {
                problems.add(id + ": env " + name + " has no value this check understands");
                value = name;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private void checkSecretKey(String id, String secret, String key) {
        List<Secret> secrets = resources.stream().filter(Secret.class::isInstance).map(Secret.class::cast)
                .filter(s -> s.getMetadata().getName().equals(secret)).toList();
        // The base leaves the Secret to the overlay (dev) or to the operator (prod): only check what is present.
        for (Secret s : secrets) {
            boolean has = (s.getData() != null && s.getData().containsKey(key)) || (s.getStringData() != null && s.getStringData().containsKey(key));
            if (!has) {
                problems.add(id + ": Secret " + secret + " has no key " + key);
            }
        }
    }

    private void checkProbes(String id, Container container, PlatformConfig config) {
        if (config.runs(Service.KAFKA) || config.kafka().embedded()) {
            problems.add(id + ": runs the embedded broker; on Kubernetes Kafka is Strimzi's (kafka.embedded: false)");
        }
        if (!config.management().enabled() || loopback(config.management().host())) {
            problems.add(id + ": management endpoints are off or on loopback (" + config.management().host() + "); the kubelet cannot probe them");
        }
        Map<String, Integer> ports = new TreeMap<>();
        for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
            ports.put(port.getName() == null ? "" : port.getName(), port.getContainerPort());
        }
        if (!Objects.equals(ports.get("management"), config.management().port())) {
            problems.add(id + ": container port 'management' is " + ports.get("management") + ", but the process serves management.port "
                    + config.management().port());
        }
        if (config.runs(Service.GATEWAY)) {
            if (!Objects.equals(ports.get("http"), config.gateway().port())) {
                problems.add(id + ": container port 'http' is " + ports.get("http") + ", but the gateway listens on gateway.port " + config.gateway().port());
            }
            if (loopback(config.gateway().host())) {
                problems.add(id + ": gateway.host is " + config.gateway().host() + "; nothing outside the pod could reach it");
            }
            if (config.gateway().adminToken() == null || config.gateway().adminToken().isBlank()) {
                problems.add(id + ": gateway.adminToken is empty: every gateway pod would generate its own token");
            }
        }
        probe(id, "liveness", container.getLivenessProbe(), LIVENESS, ports, config);
        probe(id, "readiness", container.getReadinessProbe(), READINESS, ports, config);
        if (container.getStartupProbe() != null) {
            probe(id, "startup", container.getStartupProbe(), LIVENESS, ports, config);
        }
    }

    private void probe(String id, String kind, Probe probe, Set<String> paths, Map<String, Integer> ports, PlatformConfig config) {
        if (probe == null || probe.getHttpGet() == null) {
            problems.add(id + ": no HTTP " + kind + " probe");
            return;
        }
        String path = probe.getHttpGet().getPath();
        IntOrString port = probe.getHttpGet().getPort();
        Integer number = port.getIntVal() != null ? port.getIntVal() : ports.get(port.getStrVal());
        if (number == null) {
            problems.add(id + ": " + kind + " probe port '" + port.getStrVal() + "' is not a container port");
            return;
        }
        boolean served = number == config.management().port() || (config.runs(Service.GATEWAY) && number == config.gateway().port());
        if (!served) {
            problems.add(id + ": " + kind + " probe port " + number + " is neither management.port nor a gateway's port");
        }
        if (!paths.contains(path)) {
            problems.add(id + ": " + kind + " probe path " + path + " is not one of " + paths);
        }
    }

    private void checkFileSystem(String id, PodTemplateSpec template, Container container, List<PersistentVolumeClaim> claims, PlatformConfig config) {
        if (container.getSecurityContext() == null || !Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem())) {
            problems.add(id + ": expected readOnlyRootFilesystem: true");
        }
        if (mountFor(container, "/tmp/x") == null) {
            problems.add(id + ": /tmp is not a volume; the root file system is read-only and ONNX Runtime and DuckDB unpack their libraries there");
        }
        if (config.runs(Service.ARCHIVER) && config.archive().enabled()) {
            VolumeMount mount = mountFor(container, config.archive().dir().toString() + "/x");
            boolean persistent = mount != null && (claims.stream().anyMatch(c -> c.getMetadata().getName().equals(mount.getName()))
                    || volume(template, mount.getName()).map(v -> v.getPersistentVolumeClaim() != null).orElse(false));
            if (!persistent) {
                problems.add(id + ": archive.dir " + config.archive().dir() + " is not on a persistent volume");
            }
        }
        if (config.runs(Service.ANALYTICS) && mountFor(container, config.analytics().stateDir().toString() + "/x") == null) {
            problems.add(id + ": analytics.stateDir " + config.analytics().stateDir() + " is not on a volume; the root file system is read-only");
        }
        if (config.runs(Service.MODELS)) {
            if (config.models().demo()) {
                problems.add(id + ": models.demo is true: every runner pod would run every demo model");
            }
            if (config.models().manifests().isEmpty()) {
                problems.add(id + ": runs models but names no manifest");
            }
            for (Path manifest : config.models().manifests()) {
                checkModel(id, template, container, manifest.toString(), config);
            }
        }
    }

    /** Loads a manifest from its materialized ConfigMap (the args point there), hash check included. */
    private void checkModel(String id, PodTemplateSpec template, Container container, String manifestPath, PlatformConfig config) {
        if (!manifestPath.startsWith(scratch.toString())) {
            problems.add(id + ": manifest " + manifestPath + " is not on a ConfigMap volume of this pod");
            return;
        }
        try {
            ModelManifest manifest = ModelManifest.load(Path.of(manifestPath));
            if (config.apps().stream().noneMatch(app -> app.name().equals(manifest.app()))) {
                problems.add(id + ": model " + manifest.ref() + " is of app '" + manifest.app() + "', which the configuration does not list");
            }
        } catch (ManifestException e) {
            problems.add(id + ": " + e.getMessage());
        }
    }

    private Path materialize(String id, ConfigMap map) {
        Path dir = scratch.resolve(id.replace('/', '-') + "-" + map.getMetadata().getName());
        try {
            Files.createDirectories(dir);
            if (map.getData() != null) {
                for (var entry : map.getData().entrySet()) {
                    Files.writeString(dir.resolve(entry.getKey()), entry.getValue());
                }
            }
            if (map.getBinaryData() != null) {
                for (var entry : map.getBinaryData().entrySet()) {
                    Files.write(dir.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The KafkaTopics are exactly TopicLayout's for the configured apps, with no more replicas than there are brokers. */
    private void checkTopics(List<Workload> workloads) {
        List<GenericKubernetesResource> topics = generic("KafkaTopic");
        List<GenericKubernetesResource> kafkas = generic("Kafka");
        if (kafkas.size() != 1) {
            problems.add("expected one Strimzi Kafka, found " + kafkas.size());
            return;
        }
        String cluster = kafkas.get(0).getMetadata().getName();
        int brokers = 0;
        for (GenericKubernetesResource pool : generic("KafkaNodePool")) {
            JsonNode spec = ManifestFiles.YAML.valueToTree(pool.getAdditionalProperties().get("spec"));
            if (!cluster.equals(label(pool, "strimzi.io/cluster"))) {
                problems.add("KafkaNodePool/" + pool.getMetadata().getName() + ": label strimzi.io/cluster is not " + cluster);
            }
            if (spec.path("roles").toString().contains("broker")) {
                brokers += spec.path("replicas").asInt();
            }
        }
        JsonNode kafkaSpec = ManifestFiles.YAML.valueToTree(kafkas.get(0).getAdditionalProperties().get("spec"));
        List<String> bootstraps = new ArrayList<>();
        kafkaSpec.path("kafka").path("listeners").forEach(l -> bootstraps.add(cluster + "-kafka-bootstrap:" + l.path("port").asInt()));
        PlatformConfig shared = null;
        for (Workload workload : workloads) {
            if (workload.config() == null) {
                continue;
            }
            shared = shared == null ? workload.config() : shared;
            if (!bootstraps.contains(workload.config().kafka().bootstrapServers())) {
                problems.add(workload.id() + ": kafka.bootstrapServers " + workload.config().kafka().bootstrapServers() + " is not one of the Kafka's " + bootstraps);
            }
            if (workload.config().kafka().replicationFactor() > brokers) {
                problems.add(workload.id() + ": kafka.replicationFactor " + workload.config().kafka().replicationFactor() + " is more than the " + brokers
                        + " brokers (a topic it creates, such as a gateway's reply topic, would fail)");
            }
        }
        if (shared == null) {
            return;
        }
        TopicLayout layout = new TopicLayout(new TopicNames(shared.kafka().topicPrefix()), shared.kafka().replicationFactor());
        Map<String, TopicSpec> expected = new TreeMap<>();
        layout.controlTopics().forEach(t -> expected.put(t.name(), t));
        for (PlatformConfig.App app : shared.apps()) {
            layout.appTopics(app.name(), app.partitions(), app.retentionMs()).forEach(t -> expected.put(t.name(), t));
        }
        Map<String, TopicSpec> declared = new TreeMap<>();
        for (GenericKubernetesResource topic : topics) {
            JsonNode spec = ManifestFiles.YAML.valueToTree(topic.getAdditionalProperties().get("spec"));
            String name = spec.hasNonNull("topicName") ? spec.path("topicName").asText() : topic.getMetadata().getName();
            Map<String, String> configs = new TreeMap<>();
            spec.path("config").properties().forEach(e -> configs.put(e.getKey(), e.getValue().asText()));
            declared.put(name, new TopicSpec(name, spec.path("partitions").asInt(1), configs));
            if (!cluster.equals(label(topic, "strimzi.io/cluster"))) {
                problems.add("KafkaTopic/" + name + ": label strimzi.io/cluster is not " + cluster + " (the topic operator would ignore it)");
            }
            if (spec.path("replicas").asInt() > brokers) {
                problems.add("KafkaTopic/" + name + ": " + spec.path("replicas").asInt() + " replicas, but only " + brokers + " brokers");
            }
        }
        if (!declared.keySet().equals(expected.keySet())) {
            problems.add("KafkaTopics " + declared.keySet() + " are not the topics TopicLayout creates " + expected.keySet());
        }
        expected.forEach((name, spec) -> {
            TopicSpec topic = declared.get(name);
            if (topic != null && (topic.partitions() != spec.partitions() || !new TreeMap<>(topic.configs()).equals(new TreeMap<>(spec.configs())))) {
                problems.add("KafkaTopic/" + name + ": " + topic.partitions() + " partitions " + new TreeMap<>(topic.configs()) + "; TopicLayout makes "
                        + spec.partitions() + " partitions " + new TreeMap<>(spec.configs()));
            }
        });
    }

    /** Services, budgets, autoscalers and network policies must select pods that exist; only gateways are open to all. */
    private void checkSelectors(List<Workload> workloads) {
        for (HasMetadata resource : resources) {
            String id = resource.getKind() + "/" + resource.getMetadata().getName();
            if (resource instanceof io.fabric8.kubernetes.api.model.Service service) {
                List<Workload> selected = selected(workloads, service.getSpec().getSelector());
                if (selected.isEmpty()) {
                    problems.add(id + ": its selector " + service.getSpec().getSelector() + " selects no pods");
                }
                for (var port : service.getSpec().getPorts()) {
                    IntOrString target = port.getTargetPort();
                    for (Workload w : selected) {
                        boolean exists = w.template().getSpec().getContainers().stream().flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream())
                                .anyMatch(p -> target == null ? Objects.equals(p.getContainerPort(), port.getPort())
                                        : target.getStrVal() != null ? target.getStrVal().equals(p.getName()) : Objects.equals(target.getIntVal(), p.getContainerPort()));
                        if (!exists) {
                            problems.add(id + ": target port " + target + " is not a port of " + w.id());
                        }
                    }
                }
            } else if (resource instanceof PodDisruptionBudget budget) {
                if (selected(workloads, budget.getSpec().getSelector().getMatchLabels()).isEmpty()) {
                    problems.add(id + ": selects no pods");
                }
            } else if (resource instanceof HorizontalPodAutoscaler hpa) {
                var ref = hpa.getSpec().getScaleTargetRef();
                if (workloads.stream().noneMatch(w -> w.id().equals(ref.getKind() + "/" + ref.getName()))) {
                    problems.add(id + ": scales " + ref.getKind() + "/" + ref.getName() + ", which does not exist");
                }
            } else if (resource instanceof NetworkPolicy policy) {
                List<Workload> selected = selected(workloads, policy.getSpec().getPodSelector().getMatchLabels());
                if (selected.isEmpty()) {
                    problems.add(id + ": selects no pods");
                }
                boolean openToAll = policy.getSpec().getIngress() != null && policy.getSpec().getIngress().stream()
                        .anyMatch(rule -> rule.getFrom() == null || rule.getFrom().isEmpty());
                for (Workload w : selected) {
                    if (openToAll && (w.config() == null || !w.config().runs(Service.GATEWAY))) {
                        problems.add(id + ": lets anyone reach " + w.id() + ", which is not a gateway");
                    }
                }
            }
        }
        for (Workload w : workloads) {
            boolean isolated = resources.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                    .anyMatch(p -> p.getSpec().getPolicyTypes().contains("Ingress") && matches(p.getSpec().getPodSelector().getMatchLabels(), w.podLabels()));
            if (!isolated) {
                problems.add(w.id() + ": no NetworkPolicy restricts who reaches its pods");
            }
            // One replica gets no budget: minAvailable 1 would block every node drain, and maxUnavailable 1 protects nothing.
            boolean budgeted = resources.stream().filter(PodDisruptionBudget.class::isInstance).map(PodDisruptionBudget.class::cast)
                    .anyMatch(b -> matches(b.getSpec().getSelector().getMatchLabels(), w.podLabels()));
            if (w.replicas() >= 2 && !budgeted) {
                problems.add(w.id() + ": " + w.replicas() + " replicas and no PodDisruptionBudget: a node drain may take them all at once");
            }
        }
    }

    private static List<Workload> selected(List<Workload> workloads, Map<String, String> selector) {
        return workloads.stream().filter(w -> matches(selector, w.podLabels())).toList();
    }

    private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    private String mountedFile(String id, PodTemplateSpec template, Container container, String path) {
        VolumeMount mount = mountFor(container, path);
        ConfigMap map = mount == null ? null : volume(template, mount.getName()).map(Volume::getConfigMap).map(ref -> configMap(ref.getName())).orElse(null);
        String key = path.substring(path.lastIndexOf('/') + 1);
        if (map == null || map.getData() == null || !map.getData().containsKey(key)) {
            problems.add(id + ": " + path + " is not a key of a ConfigMap mounted there");
            return null;
        }
        return map.getData().get(key);
    }

    private static VolumeMount mountFor(Container container, String path) {
        return container.getVolumeMounts() == null ? null : container.getVolumeMounts().stream()
                .filter(m -> path.startsWith(m.getMountPath().endsWith("/") ? m.getMountPath() : m.getMountPath() + "/"))
                .max((a, b) -> Integer.compare(a.getMountPath().length(), b.getMountPath().length())).orElse(null);
    }

    private static java.util.Optional<Volume> volume(PodTemplateSpec template, String name) {
        return template.getSpec().getVolumes() == null ? java.util.Optional.empty()
                : template.getSpec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst();
    }

    private ConfigMap configMap(String name) {
        return resources.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(c -> c.getMetadata().getName().equals(name)).findFirst().orElse(null);
    }

    private List<GenericKubernetesResource> generic(String kind) {
        return resources.stream().filter(GenericKubernetesResource.class::isInstance).map(GenericKubernetesResource.class::cast)
                .filter(r -> kind.equals(r.getKind())).toList();
    }

    private static String label(HasMetadata resource, String key) {
        return resource.getMetadata().getLabels() == null ? null : resource.getMetadata().getLabels().get(key);
    }

    private static boolean loopback(String host) {
        return host == null || host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private Path write(String name, byte[] content) {
        try {
            Files.createDirectories(scratch);
            return Files.write(scratch.resolve(name.replace('/', '-')), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
