package dev.rendezvous.deploy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rendezvous.gateway.SheddingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

    @Test
    void startsFromDefaultsThatRunEverythingOnTheEmbeddedBroker() {
        PlatformConfig config = ConfigLoader.load(null, Map.of());

        assertThat(config.kafka().embedded()).isTrue();
        assertThat(config.gateway().port()).isEqualTo(8080);
        assertThat(config.gateway().host()).as("loopback unless configured").isEqualTo("127.0.0.1");
        assertThat(config.gateway().adminTokenFile()).isEqualTo(Path.of("data/admin-token"))
                .as("where `app create` looks for it by default").isEqualTo(Path.of(dev.rendezvous.deploy.cli.AppCommand.DEFAULT_ADMIN_TOKEN_FILE));
        assertThat(config.rendezvous().replyMarginMaxShare()).as("decide by deadline - reply hop, at most a fifth early").isEqualTo(0.2);
        assertThat(config.apps()).extracting(PlatformConfig.App::name).containsExactly("fraud");
        assertThat(config.services()).as("everything but the broker-only and standby roles, which need processes of their own")
                .containsExactlyInAnyOrder(PlatformConfig.Service.GATEWAY, PlatformConfig.Service.RENDEZVOUS, PlatformConfig.Service.MODELS,
                        PlatformConfig.Service.DECOY, PlatformConfig.Service.ARCHIVER);
    }

    @Test
    void refusesTheBrokerServiceWithoutTheEmbeddedBroker() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("services", "[kafka]", "kafka.embedded", "false",
                "kafka.bootstrapServers", "localhost:9092")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("services: 'kafka' runs the embedded broker, but kafka.embedded is false");
    }

    @Test
    void readsArchiveReadersPerAppAndNoneByDefault() {
        assertThat(ConfigLoader.load(null, Map.of()).gateway().archiveReaders()).isEmpty();

        PlatformConfig config = ConfigLoader.load(null, Map.of("gateway.archiveReaders.fraud.tokenFile", "data/fraud-reader-token"));

        assertThat(config.gateway().archiveReaders()).containsEntry("fraud", new PlatformConfig.ArchiveReader(null, Path.of("data/fraud-reader-token")));
    }

    @Test
    void shedsForLatencyByDefaultAndCanBeTurnedOff() {
        assertThat(ConfigLoader.load(null, Map.of()).gateway().shedding()).isEqualTo(SheddingConfig.DEFAULT);

        PlatformConfig off = ConfigLoader.load(null, Map.of("gateway.shedding.enabled", "false", "gateway.shedding.targetLatencyMs", "40"));

        assertThat(off.gateway().shedding().enabled()).isFalse();
        assertThat(off.gateway().shedding().targetLatencyMs()).isEqualTo(40);
        assertThat(off.gateway().shedding().windowMs()).isEqualTo(100);
    }

    @Test
    void analyticsIsOptInWithOneMinuteAndOneHourWindowsAndPerAppThresholds() {
        PlatformConfig defaults = ConfigLoader.load(null, Map.of());
        assertThat(defaults.services()).doesNotContain(PlatformConfig.Service.ANALYTICS);
        assertThat(defaults.analytics().windowsMs()).containsExactly(60_000L, 3_600_000L);

        PlatformConfig on = ConfigLoader.load(null, Map.of("services", "[gateway, rendezvous, models, analytics]",
                "analytics.thresholds.fraud.disagreement", "0.02"));
        assertThat(on.runs(PlatformConfig.Service.ANALYTICS)).isTrue();
        assertThat(on.analytics().disagreementThreshold("fraud")).isEqualTo(0.02);
        assertThat(on.analytics().driftThreshold("fraud")).isEqualTo(0.25);
        assertThat(defaults.analytics().slidingWindows()).isEqualTo(dev.rendezvous.analytics.AnalyticsSettings.DEFAULT_SLIDING);

        PlatformConfig sliding = ConfigLoader.load(null, Map.of("analytics.slidingWindows", "[{sizeMs: 120000, advanceMs: 30000}]"));
        assertThat(sliding.analytics().slidingWindows()).containsExactly(new dev.rendezvous.analytics.AnalyticsSettings.SlidingWindow(120_000, 30_000));
        assertThat(ConfigLoader.load(null, Map.of("analytics.slidingWindows", "[]")).analytics().slidingWindows()).isEmpty();
    }

    @Test
    void appliesTheFileOverTheDefaultsAndSetFlagsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rendezvous.yaml");
        Files.writeString(file, "gateway:\n  port: 9000\n  replyGraceMs: 250\nkafka:\n  properties:\n    security.protocol: SSL\n");

        PlatformConfig config = ConfigLoader.load(file, Map.of("gateway.port", "9100", "services", "[gateway, rendezvous]"));

        assertThat(config.gateway().port()).isEqualTo(9100);
        assertThat(config.gateway().replyGraceMs()).isEqualTo(250);
        assertThat(config.gateway().instanceId()).isEqualTo("gateway-1");
        assertThat(config.kafka().properties()).containsEntry("security.protocol", "SSL");
        assertThat(config.services()).containsExactly(PlatformConfig.Service.GATEWAY, PlatformConfig.Service.RENDEZVOUS);
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of("gateway.prot", "1", "prot"),
                Arguments.of("gateway.port", "70000", "gateway.port: 70000 is not a port"),
                Arguments.of("kafka.embedded", "false", "kafka.bootstrapServers: missing"),
                Arguments.of("kafka.topicPrefix", "bad prefix", "kafka.topicPrefix"),
                Arguments.of("gateway.instanceId", "has space", "gateway.instanceId"),
                Arguments.of("gateway.adminTokenFile", "null", "gateway.adminTokenFile: missing"),
                Arguments.of("archive.maxSegmentBytes", "10", "archive.maxSegmentBytes"),
                Arguments.of("archive.maxSyncDelayMs", "-1", "archive.maxSyncDelayMs: -1; expected 0 to 60000"),
                Arguments.of("archive.maxUnsyncedBytes", "0", "archive.maxUnsyncedBytes: 0"),
                Arguments.of("services", "[gateway, teleporter]", "services"),
                Arguments.of("apps", "[]", "apps: empty"),
                Arguments.of("gateway.shedding.windowMs", "5", "gateway.shedding.windowMs must be 10-60000, was 5"),
                Arguments.of("gateway.shedding.minLimit", "0", "gateway.shedding.minLimit must be at least 1"),
                Arguments.of("gateway.shedding.targetLatencyMs", "-1", "gateway.shedding.targetLatencyMs"),
                Arguments.of("gateway.shedding.target", "50", "target"),
                Arguments.of("standby.takeoverDelayMs", "0", "standby.takeoverDelayMs: 0 is not between 1 and 10000"),
                Arguments.of("standby.takeoverWindowMs", "10", "standby.takeoverWindowMs: 10 is not between standby.takeoverDelayMs (50) and 60000"),
                Arguments.of("rendezvous.replyMarginMaxShare", "0.9", "rendezvous.replyMarginMaxShare: 0.9 is not between 0 and 0.5"),
                Arguments.of("gateway.archiveReaders.loans.token", "loans-reader-token-0123", "gateway.archiveReaders.loans: 'loans' is not a configured app"),
                Arguments.of("gateway.archiveReaders.fraud.token", "short", "gateway.archiveReaders.fraud.token: shorter than 16"),
                Arguments.of("gateway.archiveReaders.fraud", "{}", "gateway.archiveReaders.fraud: expected exactly one of token"),
                Arguments.of("gateway.archiveReaders.fraud", "{token: fraud-reader-token-0123, tokenFile: x}", "expected exactly one of token"),
                Arguments.of("gateway.archiveReaders.fraud.tokn", "x", "tokn"),
                Arguments.of("gateway.bodyTimeoutMs", "50", "gateway.bodyTimeoutMs: 50; expected 100 to 600000"),
                Arguments.of("gateway.bodyTimeoutMs", "3600000", "gateway.bodyTimeoutMs: 3600000; expected 100 to 600000"),
                Arguments.of("analytics.windowsMs", "[60000, 10]", "analytics.windowsMs[1] must be 1000 to 604800000 ms, was 10"),
                Arguments.of("analytics.slidingWindows", "[{sizeMs: 60000, advanceMs: 7000}]", "analytics.slidingWindows[0].advanceMs must be"),
                Arguments.of("analytics.disagreementThreshold", "1.5", "analytics.disagreementThreshold must be above 0 and at most 1, was 1.5"),
                Arguments.of("analytics.thresholds.fraud.drift", "0", "analytics.thresholds.fraud.drift must be above 0"),
                Arguments.of("analytics.thresholds.loans.drift", "0.1", "analytics.thresholds.loans: 'loans' is not a configured app"),
                Arguments.of("analytics.thresholds.fraud.drfit", "0.1", "drfit"),
                Arguments.of("analytics.scoreTolerance", "-1", "analytics.scoreTolerance must be 0"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badConfigurations")
    void refusesABadValueWithAnErrorNamingTheKey(String key, String value, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aValueASectionRefusesIsReportedInTheSectionsOwnWordsWithoutJacksonsWrapper() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("gateway.shedding.windowMs", "5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gateway.shedding.windowMs must be 10-60000, was 5")
                .hasMessageNotContaining("Cannot construct instance")
                .hasMessageNotContaining("SheddingConfig");
    }

    @Test
    void namesEveryProblemOfAnAppAtOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rendezvous.yaml");
        Files.writeString(file, "apps:\n  - name: Bad Name\n    partitions: 0\n    retentionMs: 5\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessageContaining("apps[0].name")
                .hasMessageContaining("apps[0].partitions")
                .hasMessageContaining("apps[0].retentionMs")
                .hasMessageContaining("apps[0].policy");
    }

    @Test
    void givesAnAppWithoutPartitionsOrRetentionTheDocumentedDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rendezvous.yaml");
        Files.writeString(file, """
                apps:
                  - name: loans
                    policy:
                      deadline: 100ms
                      stages:
                        - accept: [loans-lr@1]
                """);

        PlatformConfig.App app = ConfigLoader.load(file, Map.of()).apps().get(0);

        assertThat(app.partitions()).isEqualTo(3);
        assertThat(app.retentionMs()).isEqualTo(7L * 24 * 3600 * 1000);
    }

    @Test
    void readsWhatAnAppDoesWithInvalidInputRejectByDefaultAndRefusesAnythingElseNamingTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rendezvous.yaml");
        String app = """
                  - name: %s
                    policy:
                      deadline: 100ms
                      stages:
                        - accept: [m@1]
                """;
        Files.writeString(file, "apps:\n" + app.formatted("strict") + app.formatted("lenient") + "    onInvalidInput: Fallback\n");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "apps:\n" + app.formatted("strict") + app.formatted("odd") + "    onInvalidInput: ignore\n");

        PlatformConfig config = ConfigLoader.load(file, Map.of());

        assertThat(config.apps()).extracting(PlatformConfig.App::invalidInputAction)
                .containsExactly(dev.rendezvous.gateway.InvalidInputAction.REJECT, dev.rendezvous.gateway.InvalidInputAction.FALLBACK);
        assertThat(ConfigLoader.load(null, Map.of()).gateway().bodyTimeoutMs()).isEqualTo(10_000);
        assertThatThrownBy(() -> ConfigLoader.load(bad, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("apps[1].onInvalidInput: 'ignore'; expected reject or fallback");
    }

    private static Path appWithArchive(Path dir, String archiveYaml) throws Exception {
        Path file = dir.resolve("rendezvous.yaml");
        Files.writeString(file, """
                apps:
                  - name: fraud
                    policy:
                      deadline: 100ms
                      stages:
                        - accept: [fraud-fm@1]
                    archive:
                """ + archiveYaml.indent(6));
        return file;
    }

    @Test
    void readsAnAppsSnapshotScheduleKeepRulesAndRedaction(@TempDir Path dir) throws Exception {
        Path file = appWithArchive(dir, """
                snapshots:
                  schedule: hourly
                  keep: { last: 24, for: P7D }
                redaction:
                  drop: [cardAgeDays]
                  hash: [merchantRisk]
                  truncate: { hour: 1 }
                  hashKeyFile: data/redaction-key
                """);

        PlatformConfig.AppArchive archive = ConfigLoader.load(file, Map.of()).apps().get(0).archive();

        assertThat(archive.snapshots()).isEqualTo(new PlatformConfig.Snapshots("hourly", new PlatformConfig.Keep(24, "P7D")));
        assertThat(archive.redaction()).isEqualTo(new PlatformConfig.Redaction(java.util.List.of("cardAgeDays"), java.util.List.of("merchantRisk"),
                Map.of("hour", 1), Path.of("data/redaction-key"), null));
        assertThat(ConfigLoader.load(null, Map.of()).apps().get(0).archive()).isEqualTo(new PlatformConfig.AppArchive(null, null));
    }

    static Stream<Arguments> badArchiveSections() {
        return Stream.of(
                Arguments.of("snapshots: { schedule: fortnightly }", "apps[0].archive.snapshots.schedule: 'fortnightly'; expected hourly, daily, weekly"),
                Arguments.of("snapshots: { schedule: PT0.1S }", "apps[0].archive.snapshots.schedule: 'PT0.1S' is shorter than PT1S"),
                Arguments.of("snapshots: { keep: { last: 3 } }", "apps[0].archive.snapshots.schedule: missing"),
                Arguments.of("snapshots: { schedule: daily, keep: { last: 0 } }", "apps[0].archive.snapshots.keep.last: 0; expected at least 1"),
                Arguments.of("snapshots: { schedule: daily, keep: { for: 7d } }", "apps[0].archive.snapshots.keep.for: '7d'; expected an ISO-8601 duration"),
                Arguments.of("snapshots: { schedule: daily, keep: { newest: 3 } }", "apps[0].archive.snapshots.keep.newest: Unrecognized field \"newest\""),
                Arguments.of("redaction: { drop: [amount], hash: [amount], hashKeyEnv: K }", "apps[0].archive.redaction.hash[0]: 'amount' already has a rule"),
                Arguments.of("redaction: { hash: [amount] }", "apps[0].archive.redaction: hash needs its key from exactly one of hashKeyFile"),
                Arguments.of("redaction: { hash: [amount], hashKey: s3cr3t-s3cr3t-s3cr3t }", "apps[0].archive.redaction.hashKey: the hash key never goes in the YAML"),
                Arguments.of("redaction: { truncate: { hour: -1 } }", "apps[0].archive.redaction.truncate.hour: -1; expected a number of characters"),
                Arguments.of("redaction: { drop: [amount], hashKeyEnv: K }", "apps[0].archive.redaction: hashKeyFile/hashKeyEnv given but no field to hash"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArchiveSections")
    void refusesABadArchiveSectionNamingTheKey(String yaml, String message, @TempDir Path dir) throws Exception {
        Path file = appWithArchive(dir, yaml);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void aMissingManifestNamesItsIndexAndTheDirectoryItWasLookedFor(@TempDir Path dir) throws Exception {
        Path present = Files.writeString(dir.resolve("present.yaml"), "app: fraud\n");

        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("models.manifests", "[" + present + ", models/absent-1.yaml]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models.manifests[1]: models/absent-1.yaml is not a file (looked for "
                        + Path.of("models/absent-1.yaml").toAbsolutePath().normalize())
                .hasMessageContaining("resolved against the working directory")
                .hasMessageNotContaining("models.manifests[0]");
    }
}
