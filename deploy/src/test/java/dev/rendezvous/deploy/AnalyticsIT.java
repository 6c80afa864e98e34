package dev.rendezvous.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rendezvous.demo.DemoModels;
import dev.rendezvous.deploy.config.ConfigLoader;
import dev.rendezvous.deploy.grafana.GrafanaDashboard;
import dev.rendezvous.deploy.launch.Platform;
import dev.rendezvous.kafka.KafkaSettings;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaBroker;
import dev.rendezvous.kafka.embedded.EmbeddedKafkaExtension;
import dev.rendezvous.protocol.AnalyticsAlert;
import dev.rendezvous.protocol.Decision;
import dev.rendezvous.protocol.JsonCodec;
import dev.rendezvous.protocol.ModelAnalytics;
import dev.rendezvous.protocol.ModelScore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analytics on the real broker with real models: beside the demo models run three versions built
 * from the canary's own artifact — {@code fraud-lr@2-copy} (identical), {@code fraud-lr@2-biased}
 * (a real ONNX variant, {@link BiasedModel}: the fraud bias raised by {@value #BIAS_SHIFT}, so its
 * label differs from the canary's exactly where the canary's fraud probability lies in
 * (σ(−{@value #BIAS_SHIFT}), 0.5], about 28 % of these inputs) and {@code fraud-lr@2-swapped} (its
 * manifest names the labels the other way round: the very same scores, the other label on every
 * input). The analytics topic must show agreement 1.0 and no alert for the copy; for the biased
 * version the agreement the canary's scores predict and a drift alert (its disagreement stays under
 * the app's threshold) within one window; for the swapped one agreement 0.0, a disagreement alert and
 * a drift alert though its score distribution is the canary's; and for the live {@code fraud-fm@1}
 * (a differently trained model) exactly the agreement the scores topic itself gives.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AnalyticsIT {
    private static final long WINDOW_MS = 20_000;
    private static final int REQUESTS = 150;
    private static final String CANARY = "fraud-lr@2";
    private static final String COPY = "fraud-lr@2-copy";
    private static final String SWAPPED = "fraud-lr@2-swapped";
    private static final String BIASED = "fraud-lr@2-biased";
    private static final float BIAS_SHIFT = 3.0f;
    private static final String LIVE = "fraud-fm@1";

    @Test
    void showsAgreementWithTheCanaryAndRaisesDriftAndDisagreementAlertsOnlyForTheVersionsThatDiffer(EmbeddedKafkaBroker broker, @TempDir Path dir)
            throws Exception {
        Path models = dir.resolve("models");
        DemoModels.ensure(models);
        String canaryManifest = Files.readString(models.resolve("fraud-lr-2.yaml"));
        Path copy = models.resolve("fraud-lr-2-copy.yaml");
        Files.writeString(copy, canaryManifest.replace("version: \"2\"", "version: \"2-copy\"").replace("role: canary", "role: shadow"));
        Path swapped = models.resolve("fraud-lr-2-swapped.yaml");
        Files.writeString(swapped, canaryManifest.replace("version: \"2\"", "version: \"2-swapped\"").replace("role: canary", "role: shadow")
                .replace("  - fraud\n  - legit\n", "  - legit\n  - fraud\n"));
        assertThat(Files.readString(swapped)).contains("  - legit\n  - fraud\n");
        // Output column 0 is fraud (the manifest lists fraud first): raise its bias.
        assertThat(canaryManifest).contains("  labels:\n  - fraud\n");
        Path biased = BiasedModel.write(models.resolve("fraud-lr-2.yaml"), "2-biased", 0, BIAS_SHIFT, models, "fraud-lr-2-biased");

        String prefix = EmbeddedKafkaExtension.uniquePrefix("analytics");
        Map<String, String> overrides = new HashMap<>(Map.of(
                "services", "[gateway, rendezvous, models, analytics]",
                "models.demoDir", models.toString(),
                "models.manifests", "[" + copy + ", " + swapped + ", " + biased + "]",
                "archive.enabled", "false",
                "analytics.windowsMs", "[" + WINDOW_MS + "]",
                "analytics.minSamples", "20",
                "analytics.stateDir", dir.resolve("analytics").toString(),
                "analytics.thresholds.fraud.disagreement", "0.5"));
        // The demo policy with a generous deadline: this test is about the figures, not latency, and
        // shares two cores with other builds (a 100 ms deadline answered 504 under that load).
        Path config = dir.resolve("rendezvous.yaml");
        Files.writeString(config, """
                apps:
                  - name: fraud
                    partitions: 3
                    retentionMs: 3600000
                    policy:
                      deadline: 5s
                      stages:
                        - until: 4s
                          accept: [fraud-fm@1]
                        - accept: [fraud-fm@1, fraud-lr@1]
                      fallback: { output: { label: legit }, reason: no model answered in time }
                """);
        long startNanos = System.nanoTime();
        try (Platform platform = Platform.start(ConfigLoader.load(config,
                TestPlatforms.overrides(broker, prefix, "analytics", "analytics-admin-token-0123", overrides)))) {
            System.out.printf("AnalyticsIT: platform with analytics started in %d ms%n", (System.nanoTime() - startNanos) / 1_000_000);
            send(platform.gatewayPort());
            KafkaSettings kafka = platform.kafka();

            // Every request is counted once it settles: the canary's figures add up to all of them.
            Map<String, ModelAnalytics> figures = new LinkedHashMap<>();
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                figures.clear();
                figures.putAll(latestFigures(kafka));
                return requestsOf(figures, CANARY) == REQUESTS && requestsOf(figures, COPY) == REQUESTS
                        && requestsOf(figures, SWAPPED) == REQUESTS && requestsOf(figures, LIVE) == REQUESTS
                        && requestsOf(figures, BIASED) == REQUESTS;
            });

            Map<Long, double[]> liveAgreementFromScores = agreementWithCanaryFromTheScoresTopic(kafka, LIVE);
            Map<Long, double[]> biasedAgreementPredicted = agreementPredictedFromTheCanarysScores(kafka);
            double[] biasedOverall = biasedAgreementPredicted.values().stream().reduce(new double[2], (a, b) -> new double[]{a[0] + b[0], a[1] + b[1]});
            // The known share: the variant must differ on a fair part of the inputs, not none or all.
            assertThat(1 - biasedOverall[1] / biasedOverall[0]).as("predicted disagreement of the biased version").isBetween(0.15, 0.45);
            for (ModelAnalytics f : figures.values()) {
                String ref = f.model() + "@" + f.version();
                if (ref.equals(COPY)) {
                    assertThat(f.agreementWithCanary()).as("copy, window " + f.windowStartMs()).isEqualTo(1.0);
                    assertThat(f.drift()).as("copy's drift").isLessThan(0.05);
                    assertThat(f.canary()).isEqualTo(CANARY);
                    assertThat(f.winShare()).isZero();
                } else if (ref.equals(SWAPPED)) {
                    assertThat(f.agreementWithCanary()).as("swapped, window " + f.windowStartMs()).isEqualTo(0.0);
                } else if (ref.equals(BIASED)) {
                    double[] counts = biasedAgreementPredicted.get(f.windowStartMs());
                    assertThat(f.agreementWithCanary()).as("biased version's agreement in window " + f.windowStartMs())
                            .isEqualTo(counts[1] / counts[0]);
                } else if (ref.equals(LIVE)) {
                    double[] counts = liveAgreementFromScores.get(f.windowStartMs());
                    assertThat(f.agreementWithCanary()).as("live model's agreement in window " + f.windowStartMs())
                            .isEqualTo(counts[1] / counts[0]);
                }
            }

            List<AnalyticsAlert> alerts = TopicDump.read(kafka, kafka.topics().alerts("fraud"), 1, Duration.ofSeconds(10)).stream()
                    .map(r -> JsonCodec.decode(r.value(), AnalyticsAlert.class)).toList();
            assertThat(alerts).filteredOn(a -> (a.model() + "@" + a.version()).equals(COPY)).isEmpty();
            List<AnalyticsAlert> swappedAlerts = alerts.stream().filter(a -> (a.model() + "@" + a.version()).equals(SWAPPED)).toList();
            assertThat(swappedAlerts).extracting(AnalyticsAlert::kind).contains(AnalyticsAlert.Kind.DISAGREEMENT, AnalyticsAlert.Kind.DRIFT);
            assertThat(swappedAlerts).allSatisfy(a -> {
                if (a.kind() == AnalyticsAlert.Kind.DISAGREEMENT) {
                    assertThat(a.value()).isEqualTo(1.0);
                    assertThat(a.threshold()).isEqualTo(0.5);
                } else {
                    assertThat(a.value()).isGreaterThan(0.25);
                }
                assertThat(a.samples()).isGreaterThanOrEqualTo(20);
                withinOneWindow(a);
            });
            List<AnalyticsAlert> biasedAlerts = alerts.stream().filter(a -> (a.model() + "@" + a.version()).equals(BIASED)).toList();
            assertThat(biasedAlerts).isNotEmpty().allSatisfy(a -> {
                assertThat(a.kind()).isEqualTo(AnalyticsAlert.Kind.DRIFT);
                assertThat(a.threshold()).isEqualTo(0.25);
                assertThat(a.value()).isGreaterThan(0.25);
                assertThat(a.canary()).isEqualTo(CANARY);
                withinOneWindow(a);
            });
            // The alert names a window whose figures on the topic show that drift.
            AnalyticsAlert biasedAlert = biasedAlerts.get(0);
            ModelAnalytics biasedWindow = figures.get(ModelAnalytics.key(BIASED, WINDOW_MS, biasedAlert.windowStartMs()));
            assertThat(biasedWindow.drift()).isGreaterThan(0.25);
            System.out.printf("AnalyticsIT: %s agreement with the canary %s, drift %.2f, alerts %s; predicted disagreement %.3f%n", BIASED,
                    biasedWindow.agreementWithCanary(), biasedWindow.drift(), biasedAlerts.stream().map(x -> x.kind() + " " + x.value()).toList(),
                    1 - biasedOverall[1] / biasedOverall[0]);

            String scrape = platform.metrics().scrape();
            assertThat(scrape).containsPattern("rdv_analytics_agreement_canary\\{[^}]*model=\"" + COPY.replace(".", "\\.") + "\"[^}]*\\} 1\\.0");
            assertThat(scrape).containsPattern("rdv_analytics_alerts_total\\{[^}]*kind=\"disagreement\"[^}]*model=\"" + SWAPPED + "\"");
            assertThat(scrape).containsPattern("rdv_analytics_alerts_total\\{[^}]*kind=\"drift\"[^}]*model=\"" + BIASED + "\"");

            // The Grafana dashboard reads only metrics this platform really exports (before the page check, which ends in a
            // skip where no browser is installed).
            Set<String> exported = GrafanaDashboard.exported(scrape);
            for (String query : GrafanaDashboard.queries(GrafanaDashboard.FILE)) {
                assertThat(exported).as("metrics of the dashboard query " + query).containsAll(GrafanaDashboard.metricsOf(query));
            }
            checkDashboardPage(platform.gatewayPort(), figures, dir);
        }
    }

    @Test
    void runsAloneInAProcessOfItsOwn(EmbeddedKafkaBroker broker, @TempDir Path dir) throws Exception {
        String prefix = EmbeddedKafkaExtension.uniquePrefix("analytics-alone");
        try (Platform platform = Platform.start(ConfigLoader.load(null, TestPlatforms.overrides(broker, prefix, "analytics-alone",
                "analytics-admin-token-0123", Map.of("services", "[analytics]", "analytics.stateDir", dir.resolve("analytics").toString()))))) {
            // Kafka's reachability is probed every 2 s in the background: ready once the first probe is in.
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> platform.readinessProblems().isEmpty());
            assertThat(platform.gatewayPort()).isEqualTo(-1);
            KafkaSettings kafka = platform.kafka();
            try (var admin = kafka.newAdmin("analytics-alone-check")) {
                assertThat(admin.listTopics().names().get()).contains(kafka.topics().analytics("fraud"), kafka.topics().alerts("fraud"));
            }
        }
    }

    /**
     * The gateway's /ui/ page in real headless Chromium: no script error, the app's five models, and
     * the agreement figures of the newest window as the analytics topic has them. A screenshot is
     * kept as a test artifact (target/analytics-dashboard.png).
     */
    private static void checkDashboardPage(int port, Map<String, ModelAnalytics> figures, Path dir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ui/api/analytics/nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown app 'nope'").contains("path app");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ui/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(page.body()).contains("<script src=\"/ui/dashboard.js\">").doesNotContainPattern("(src|href)=\"(https?:)?//");
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ui/api/analytics/fraud")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).as(api.body()).isEqualTo(200);
        // Reported as skipped, not passed, where no browser is installed (everything above has been checked by then).
        org.junit.jupiter.api.Assumptions.assumeTrue(HeadlessChromium.available(),
                HeadlessChromium.BINARY + " is not installed; the dashboard page is not checked in a browser");
        long newest = figures.values().stream().mapToLong(ModelAnalytics::windowStartMs).max().orElseThrow();
        List<ModelAnalytics> current = figures.values().stream().filter(f -> f.windowStartMs() == newest).toList();
        String url = "http://127.0.0.1:" + port + "/ui/?app=fraud";
        Path work = Files.createDirectories(dir.resolve("chromium"));
        String dom = HeadlessChromium.dom(url, work, 8_000);
        assertThat(dom).as("the DOM; chromium's log: " + Files.readString(work.resolve("chromium.log"))).contains("data-updated=\"1");
        assertThat(dom).contains("data-errors=\"0\"").contains("data-models=\"" + current.size() + "\"");
        for (ModelAnalytics f : current) {
            String ref = f.model() + "@" + f.version();
            java.util.regex.Matcher row = java.util.regex.Pattern.compile("<tr data-model=\"" + java.util.regex.Pattern.quote(ref) + "\">(.*?)</tr>")
                    .matcher(dom);
            assertThat(row.find()).as("a row for " + ref + " in " + dom).isTrue();
            String agreement = f.agreementWithCanary() == null ? "–" : String.format(java.util.Locale.ROOT, "%.3f", f.agreementWithCanary());
            assertThat(row.group(1)).as(ref).contains("<td class=\"agreement-canary\">" + agreement + "</td>")
                    .contains("<td>" + f.requests() + "</td>");
        }
        assertThat(dom).contains("<td class=\"agreement-canary\">1.000</td>").contains("<td class=\"agreement-canary\">0.000</td>");
        Path png = Path.of("target", "analytics-dashboard.png");
        HeadlessChromium.screenshot(url, work, 8_000, png);
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }

    private static void send(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        List<Map<String, Number>> samples = DemoModels.sampleFeatures(31, REQUESTS);
        for (Map<String, Number> features : samples) {
            String body = new String(JsonCodec.encode(Map.of("features", features)), StandardCharsets.UTF_8);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/score/fraud"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
    }

    /** The newest figures per key of the (compacted) analytics topic. */
    private static Map<String, ModelAnalytics> latestFigures(KafkaSettings kafka) {
        Map<String, ModelAnalytics> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicDump.read(kafka, kafka.topics().analytics("fraud"), Integer.MAX_VALUE, Duration.ofMillis(300))) {
            latest.put(new String(record.key(), StandardCharsets.UTF_8), JsonCodec.decode(record.value(), ModelAnalytics.class));
        }
        return latest;
    }

    private static long requestsOf(Map<String, ModelAnalytics> figures, String ref) {
        return figures.values().stream().filter(f -> (f.model() + "@" + f.version()).equals(ref)).mapToLong(ModelAnalytics::requests).sum();
    }

    /** Within one window: raised before the window after it is over. */
    private static void withinOneWindow(AnalyticsAlert alert) {
        assertThat(alert.raisedAtMs()).as("alert " + alert).isLessThan(alert.windowStartMs() + 2 * WINDOW_MS);
    }

    /**
     * Per window start: {requests the canary answered, of which the biased version labels the same},
     * predicted from the canary's scores alone: the labels differ where its fraud probability is in
     * (σ(−shift), 0.5] (the biased model's fraud logit margin is the canary's plus the shift).
     */
    private static Map<Long, double[]> agreementPredictedFromTheCanarysScores(KafkaSettings kafka) {
        Map<String, Long> receivedAt = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(kafka, kafka.topics().results("fraud"), REQUESTS, Duration.ofSeconds(10))) {
            Decision decision = JsonCodec.decode(r.value(), Decision.class);
            receivedAt.put(decision.requestId(), decision.receivedAtMs());
        }
        double low = 1 / (1 + Math.exp(BIAS_SHIFT));
        Map<Long, double[]> byWindow = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(kafka, kafka.topics().scores("fraud"), Integer.MAX_VALUE, Duration.ofSeconds(2))) {
            ModelScore score = JsonCodec.decode(r.value(), ModelScore.class);
            if (!(score.model() + "@" + score.version()).equals(CANARY) || score.failed() || !receivedAt.containsKey(score.requestId())) {
                continue;
            }
            double fraud = score.output().get("output").get(0).asDouble();
            long t = receivedAt.get(score.requestId());
            double[] counts = byWindow.computeIfAbsent(t - Math.floorMod(t, WINDOW_MS), w -> new double[2]);
            counts[0]++;
            counts[1] += fraud > low && fraud <= 0.5 ? 0 : 1;
        }
        return byWindow;
    }

    /** Per window start: {requests both answered with a label, of which with the same label}, recomputed from the raw topics. */
    private static Map<Long, double[]> agreementWithCanaryFromTheScoresTopic(KafkaSettings kafka, String ref) {
        Map<String, Long> receivedAt = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(kafka, kafka.topics().results("fraud"), REQUESTS, Duration.ofSeconds(10))) {
            Decision decision = JsonCodec.decode(r.value(), Decision.class);
            receivedAt.put(decision.requestId(), decision.receivedAtMs());
        }
        Map<String, Map<String, String>> labels = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicDump.read(kafka, kafka.topics().scores("fraud"), Integer.MAX_VALUE, Duration.ofSeconds(2))) {
            ModelScore score = JsonCodec.decode(r.value(), ModelScore.class);
            if (!score.failed() && score.output().hasNonNull("label")) {
                labels.computeIfAbsent(score.requestId(), id -> new HashMap<>()).put(score.model() + "@" + score.version(), score.output().get("label").asText());
            }
        }
        Map<Long, double[]> byWindow = new HashMap<>();
        labels.forEach((id, byModel) -> {
            if (byModel.containsKey(ref) && byModel.containsKey(CANARY) && receivedAt.containsKey(id)) {
                long t = receivedAt.get(id);
                double[] counts = byWindow.computeIfAbsent(t - Math.floorMod(t, WINDOW_MS), w -> new double[2]);
                counts[0]++;
                counts[1] += byModel.get(ref).equals(byModel.get(CANARY)) ? 1 : 0;
            }
        });
        return byWindow;
    }
}
