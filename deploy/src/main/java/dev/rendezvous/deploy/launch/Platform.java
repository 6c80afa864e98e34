package dev.rendezvous.deploy.launch;

import dev.rendezvous.analytics.AnalyticsService;
import dev.rendezvous.app.AppSettings;
import dev.rendezvous.archiver.Archiver;
import dev.rendezvous.archiver.ArchiverSettings;
import dev.rendezvous.archiver.snapshot.SnapshotSchedule;
import dev.rendezvous.decoy.DecoyService;
import dev.rendezvous.decoy.redaction.RedactionRules;
import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.PlatformConfig;
import dev.rendezvous.deploy.config.PlatformConfig.Service;
import dev.rendezvous.engine.Arbiters;
import dev.rendezvous.engine.RendezvousService;
import dev.rendezvous.gateway.AnalyticsFeed;
import dev.rendezvous.gateway.AnalyticsFollower;
import dev.rendezvous.gateway.GatewayConfig;
import dev.rendezvous.gateway.GatewayServer;
import dev.rendezvous.gateway.InvalidInputAction;
import dev.rendezvous.gateway.TraceLookup;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.RegistryView;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.policy.Policy;
import dev.rendezvous.protocol.ModelRef;
import dev.rendezvous.protocol.TopicLayout;
import dev.rendezvous.protocol.TopicProvisioner;
import dev.rendezvous.protocol.TopicSpec;
import dev.rendezvous.registry.ControlPlane;
import dev.rendezvous.registry.LiveMembers;
import dev.rendezvous.registry.PolicyStore;
import dev.rendezvous.registry.PolicyWriterClient;
import dev.rendezvous.runner.RunnerOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform in one process: the embedded broker (unless an external cluster is
 * configured), topics, control plane, model runners, decoy, archiver, rendezvous and gateway —
 * started in the order a request flows backwards, so that when the gateway accepts its first
 * request everything downstream is already listening; stopped in the reverse order.
 */
public final class Platform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private KafkaSettings kafka;
    private GatewayServer gateway;
    private ModelFleet fleet;
    private String adminToken;
    private Path adminTokenFile;
    private ServiceHealth health;
    private ManagementServer management;
    private boolean closed;

    private Platform() {
    }

    /** Starts everything the configuration names; on failure, stops what was started and rethrows. */
    public static Platform start(PlatformConfig config) throws Exception {
        return start(config, RunnerOptions.defaults());
    }

    /** As {@link #start(PlatformConfig)}, with runner options (artificial delay, failures) per model for tests and demos. */
    public static Platform start(PlatformConfig config, RunnerOptions runnerOptions) throws Exception {
        return start(config, ref -> runnerOptions);
    }

    /** Starts with options chosen per model version. */
    public static Platform start(PlatformConfig config, Function<ModelRef, RunnerOptions> runnerOptions) throws Exception {
        Platform platform = new Platform();
        try {
            platform.startAll(config, runnerOptions);
            return platform;
        } catch (Exception | Error e) {
            platform.close();
            throw e;
        }
    }

    private void startAll(PlatformConfig config, Function<ModelRef, RunnerOptions> runnerOptions) throws Exception {
        List<Policy> policies = new ArrayList<>();
        for (int i = 0; i < config.apps().size(); i++) {
            PlatformConfig.App app = config.apps().get(i);
            policies.add(ConfiguredPolicies.parse(i, app.name(), app.policy()));
        }
        // Redacted fields are checked against the apps' model manifests before anything starts: a
        // misspelt field would otherwise archive the very data it was meant to keep out.
        boolean redacting = config.runs(Service.DECOY) && AppArchives.anyRedaction(config);
        List<Path> manifestFiles = config.runs(Service.MODELS) || redacting ? manifests(config.models()) : List.of();
        List<ModelManifest> loadedManifests = new ArrayList<>();
        for (Path manifest : manifestFiles) {
            loadedManifests.add(ModelManifest.load(manifest));
        }
        Map<String, RedactionRules> redactions = redacting ? AppArchives.redactions(config, loadedManifests, System::getenv) : Map.of();
        Map<String, SnapshotSchedule> schedules = AppArchives.schedules(config);
        kafka = startKafka(config.kafka());
        startManagement(config);
        String member = memberName(config);
        if (member != null) {
            kafka = kafka.withMemberName(member);
            LOG.info("consumer groups: static member '{}' (a restart under this name takes its partitions back at once)", member);
        }
        provisionTopics(config);
        if (config.services().stream().allMatch(s -> s == Service.KAFKA)) {
            // The broker alone: the other services, each in its own process, seed policies and start.
            health.started();
            return;
        }
        List<String> apps = config.apps().stream().map(PlatformConfig.App::name).toList();
        Set<String> groups = new LinkedHashSet<>();

        ControlPlane control = startControlPlane(policies);
        // Apps created while this process runs (POST /v1/admin/apps) reach each service below through it.
        AppFollower follower = new AppFollower(kafka, control.policies(), apps);
        health.require("the policy reader stopped", control.policies()::isRunning);
        fleet = own(new ModelFleet(kafka, control.registry(), metrics));
        health.require(fleet::problems);
        List<ModelManifest> served = new ArrayList<>();
        for (int i = 0; config.runs(Service.MODELS) && i < loadedManifests.size(); i++) {
            ModelManifest loaded = loadedManifests.get(i);
            // An app created through the admin API in an earlier run is known by its policy alone.
            if (apps.contains(loaded.app()) || control.policies().current(loaded.app()).isPresent()) {
                served.add(loaded);
            } else {
                LOG.warn("not running {}: its app '{}' is neither configured nor created (POST /v1/admin/apps)", manifestFiles.get(i), loaded.app());
            }
        }
        fleet.deployAll(served, manifest -> runnerOptions.apply(manifest.ref()));
        groups.addAll(fleet.consumerGroups());

        if (config.runs(Service.DECOY)) {
            DecoyService decoy = own(DecoyService.start(kafka, Set.copyOf(apps), redactions));
            health.require("the decoy stopped consuming", decoy::isRunning);
            follower.add("decoy", app -> decoy.addApps(Set.of(app.name())));
            groups.add(DecoyService.groupId(kafka));
        }
        if (config.runs(Service.ARCHIVER) && config.archive().enabled()) {
            var archive = config.archive();
            Archiver archiver = own(Archiver.start(kafka, ArchiverSettings.of(archive.dir(), Set.copyOf(apps))
                    .withSegmentLimits(archive.maxSegmentBytes(), Duration.ofMillis(archive.maxSegmentAgeMs()))
                    .withSyncLimits(Duration.ofMillis(archive.maxSyncDelayMs()), archive.maxUnsyncedBytes())
                    .withSnapshotSchedules(schedules)));
            health.require("the archiver stopped consuming", archiver::isRunning);
            follower.add("archiver", app -> archiver.addApps(Set.of(app.name())));
            groups.add(Archiver.groupId(kafka));
        }
        if (config.runs(Service.ANALYTICS)) {
            // Before the rendezvous: it reads from the latest offsets, so it must be running before results are written.
            AnalyticsService analytics = own(AnalyticsService.start(kafka, apps, config.analytics(), metrics, Duration.ofSeconds(60)));
            health.require("analytics stopped processing", analytics::isRunning);
            // Not taken up (so not listed as such by the follower): it says why, once per app.
            follower.add("analytics", app -> {
                throw new UnsupportedOperationException("analytics does not follow apps created at runtime; restart this process to take it up");
            });
        }
        if (config.runs(Service.RENDEZVOUS)) {
            String rendezvousGroup = kafka.topics().group("rendezvous");
            RendezvousService rendezvous = own(RendezvousService.start(kafka, apps, rendezvousGroup,
                    Arbiters.following(control.policies(), new LiveMembers(control.registry(), System::currentTimeMillis)),
                    config.rendezvous(), metrics, System::currentTimeMillis));
            health.require("the rendezvous stopped consuming", rendezvous::isRunning);
            follower.add("rendezvous", app -> rendezvous.addApps(List.of(app.name())));
            groups.add(rendezvousGroup);
        }
        if (config.runs(Service.STANDBY)) {
            String standbyGroup = kafka.topics().group("rendezvous-standby");
            RendezvousService standby = own(RendezvousService.startStandby(kafka, apps, standbyGroup,
                    Arbiters.following(control.policies(), new LiveMembers(control.registry(), System::currentTimeMillis)),
                    config.standby(), config.rendezvous(), metrics, System::currentTimeMillis));
            health.require("the rendezvous standby stopped consuming", standby::isRunning);
            follower.add("rendezvous standby", app -> standby.addApps(List.of(app.name())));
            groups.add(standbyGroup);
        }
        GroupReadiness.await(kafka, groups, Duration.ofSeconds(60));
        awaitHeartbeats(control.registry(), apps);
        if (!config.runs(Service.GATEWAY)) {
            own(follower.start());
            health.started();
            return;
        }

        var g = config.gateway();
        if (g.adminToken() == null || g.adminToken().isBlank()) {
            adminToken = generatedToken();
            adminTokenFile = AdminTokenFile.write(g.adminTokenFile(), adminToken);
            LOG.info("generated an admin API token for this run, written to {} (owner-only)", adminTokenFile);
        } else {
            adminToken = g.adminToken();
        }
        List<AppSettings> appSettings = new ArrayList<>();
        for (int i = 0; i < apps.size(); i++) {
            appSettings.add(new AppSettings(apps.get(i), config.apps().get(i).partitions(), policies.get(i).deadlineMs()));
        }
        GatewayConfig gatewayConfig = new GatewayConfig(g.host(), g.port(), g.instanceId(), g.replyGraceMs(), g.maxBodyBytes(), adminToken,
                g.maxInflight(), g.maxInflightPerApp(), g.maxJsonDepth(), g.maxArrayLength(), g.apiKeys(), g.shutdownGraceMs(), g.shedding(),
                ArchiveReaderTokens.resolve(g.archiveReaders(), Platform::generatedToken), g.bodyTimeoutMs(), invalidInputActions(config));
        TraceLookup traces = config.archive().enabled()
                ? new ArchiveTraces(config.archive().dir(), control.registry())
                : TraceLookup.NOT_CONFIGURED;
        AnalyticsFeed dashboard = AnalyticsFeed.NONE;
        if (servesDashboard(config)) {
            AnalyticsFollower figures = own(AnalyticsFollower.start(kafka, "gateway-" + g.instanceId() + "-dashboard", apps));
            health.require("the dashboard's analytics reader stopped", figures::isRunning);
            dashboard = figures;
        }
        gateway = own(GatewayServer.start(kafka, gatewayConfig, appSettings, control, metrics, traces, dashboard));
        follower.add("gateway", gateway::addApp);
        own(follower.start());
        health.started();
    }

    /** {@code apps[].onInvalidInput} by app name, for the gateway. */
    private static Map<String, InvalidInputAction> invalidInputActions(PlatformConfig config) {
        Map<String, InvalidInputAction> actions = new java.util.LinkedHashMap<>();
        config.apps().forEach(app -> actions.put(app.name(), app.invalidInputAction()));
        return actions;
    }

    private KafkaSettings startKafka(PlatformConfig.Kafka config) {
        if (!config.embedded()) {
            return new KafkaSettings(config.bootstrapServers(), config.properties(), config.topicPrefix(), config.replicationFactor());
        }
        EmbeddedKafkaBroker broker = own(EmbeddedKafkaBroker.start(config.dataDir(), config.embeddedPort()));
        return new KafkaSettings(broker.bootstrapServers(), config.properties(), config.topicPrefix(), 1);
    }

    /**
     * Management endpoints first, so that a liveness probe answers while the services start and
     * readiness says "starting" until they all run.
     */
    private void startManagement(PlatformConfig config) throws IOException {
        Admin admin = own(kafka.newAdmin("platform-health"));
        TopicProvisioner topics = new TopicProvisioner(admin, kafka.replicationFactor(), 2_000);
        List<String> controlTopics = List.of(kafka.topics().policies(), kafka.topics().models());
        health = own(new ServiceHealth(() -> topics.allExist(controlTopics)).start());
        if (config.management().enabled()) {
            management = own(ManagementServer.start(config.management().host(), config.management().port(), metrics, health::problems));
        }
    }

    /**
     * This process's static group membership name: {@code kafka.memberName}, else the host name and
     * the management port — stable across restarts of the process, and unique on the host because two
     * processes cannot hold one port. Null (dynamic membership) when neither says who this is.
     */
    private String memberName(PlatformConfig config) {
        String configured = config.kafka().memberName();
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (management == null || config.management().port() == 0) {
            return null;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
        String name = (host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + management.port());
        return name.length() > 200 ? name.substring(name.length() - 200) : name;
    }

    private void provisionTopics(PlatformConfig config) {
        TopicLayout layout = new TopicLayout(kafka.topics(), kafka.replicationFactor());
        List<TopicSpec> specs = new ArrayList<>(layout.controlTopics());
        for (PlatformConfig.App app : config.apps()) {
            specs.addAll(layout.appTopics(app.name(), app.partitions(), app.retentionMs()));
            if (config.runs(Service.ANALYTICS) || servesDashboard(config)) {
                specs.addAll(layout.analyticsTopics(app.name(), app.retentionMs()));
            }
        }
        try (Admin admin = kafka.newAdmin("platform-topics")) {
            new TopicProvisioner(admin, kafka.replicationFactor(), 30_000).ensure(specs);
        }
    }

    /** Whether this process's gateway serves the /ui/ dashboard (it reads the analytics topics). */
    private static boolean servesDashboard(PlatformConfig config) {
        return config.runs(Service.GATEWAY) && (config.runs(Service.ANALYTICS) || config.analytics().dashboard());
    }

    /**
     * Follows policies and the registry. A configured policy only seeds an application that has
     * none stored yet: once stored (or changed through the admin API), the stored one is in force.
     */
    private ControlPlane startControlPlane(List<Policy> configured) throws Exception {
        PolicyStore policies = own(PolicyStore.start(kafka, "platform-policies"));
        PolicyWriterClient writer = own(new PolicyWriterClient(kafka, "platform-policy-writer"));
        for (Policy policy : configured) {
            if (policies.current(policy.app()).isEmpty()) {
                long version = writer.store(policy.app(), dev.rendezvous.policy.PolicyWriter.toJson(policy), "config").get(30, TimeUnit.SECONDS);
                LOG.info("seeded policy version {} of app {} from the configuration", version, policy.app());
            }
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (configured.stream().anyMatch(p -> policies.current(p.app()).isEmpty()) && System.nanoTime() < until) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        RegistryView registry = own(RegistryView.start(kafka, "platform-registry"));
        return new ControlPlane(policies, registry, writer);
    }

    /** The rendezvous waits only for members it has heard from: wait for every local runner's first heartbeat. */
    private void awaitHeartbeats(RegistryView registry, List<String> apps) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < until) {
            long now = System.currentTimeMillis();
            boolean all = apps.stream().allMatch(app -> fleet.refs(app).stream().allMatch(ref -> registry.isAlive(app, ref, now)));
            if (all) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        LOG.warn("not every model runner's heartbeat was seen within 15 s; starting anyway");
    }

    private static List<Path> manifests(PlatformConfig.Models models) {
        List<Path> manifests = new ArrayList<>();
        if (models.demo()) {
            manifests.addAll(DemoModels.ensure(models.demoDir()));
        }
        manifests.addAll(models.manifests());
        return manifests;
    }

    private static String generatedToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Registers a started service so that {@link #close()} stops it, in reverse start order. */
    private <T extends AutoCloseable> T own(T service) {
        started.push(service);
        return service;
    }

    /** The gateway's HTTP port, or -1 when this process runs no gateway. */
    public int gatewayPort() {
        return gateway == null ? -1 : gateway.port();
    }

    /** The management endpoints' port, or -1 when they are disabled. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    /** What keeps this process from being ready, as {@code /health/ready} says it; empty when ready. */
    public List<String> readinessProblems() {
        return health == null ? List.of("not started") : health.problems();
    }

    public KafkaSettings kafka() {
        return kafka;
    }

    public String adminToken() {
        return adminToken;
    }

    /** Where this run's generated admin token was written; empty when the token was configured. */
    public Optional<Path> adminTokenFile() {
        return Optional.ofNullable(adminTokenFile);
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** Stops one local model runner, as a crash or a retirement would. */
    public boolean stopModel(String app, ModelRef ref) {
        return fleet.stop(app, ref);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (health != null) {
            health.stopping();
        }
        while (!started.isEmpty()) {
            AutoCloseable service = started.pop();
            try {
                service.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", service.getClass().getSimpleName(), e.toString());
            }
        }
        metrics.close();
    }
}
